import { defaultClientConditions, defineConfig } from 'vite';

/** The client is served by the Yishi server from web-client/dist; `npm run dev -w web-client` proxies to it. */
export default defineConfig({
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: { target: 'es2022', sourcemap: true },
  server: {
    proxy: {
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
});
