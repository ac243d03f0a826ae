import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

/**
 * The entry script starts an autojoin link's camera and connection, then imports the UI
 * (ui/App.tsx). A modulepreload link fetches the UI's chunk with the entry's, not after it: on a
 * phone's slow link a second round trip would cost more than starting early gains.
 */
function preloadApp(): Plugin {
  let base = '/';
  return {
    name: 'yishi:preload-app',
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        const app = Object.values(bundle ?? {}).find(
          (chunk) => chunk.type === 'chunk' && chunk.facadeModuleId?.endsWith('/src/ui/App.tsx'),
        );
        if (!app) return [];
        return [
          {
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `${base}${app.fileName}` },
            injectTo: 'head',
          },
        ];
      },
    },
  };
}

/** The client is served by the Yishi server from web-client/dist; `npm run dev -w web-client` proxies to it. */
export default defineConfig({
  plugins: [preloadApp()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: { target: 'es2022', sourcemap: true },
  server: {
    proxy: {
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
});
