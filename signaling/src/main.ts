import { type Config, ConfigError, loadConfig } from './config.js';
import { demoLinks, ensureDemoTopic } from './demo.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

/** `npm start`: one node with the embedded defaults, and join links for the demo room. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`yishi: ${err.message}\n`);
    process.exit(2);
  }
  const log = createLogger(config.logLevel);
  const server = await startServer(config, log);
  if ((await ensureDemoTopic(server.sessions, config.demoRoom)) === 'created') {
    log.info({ roomId: config.demoRoom }, 'demo topic created and opened');
  }
  const demoStatus = (await server.sessions.get(config.demoRoom)).state.session.status;

  const links = demoLinks(server.url, config.demoRoom, server.tokens);
  process.stdout.write(
    `\n议事 Yishi is ready at ${server.url}\nDemo room "${config.demoRoom}" — open a link per person:\n` +
      links.map((l) => `  ${l.label.padEnd(22)} ${l.url}\n`).join('') +
      (['open', 'in_progress', 'adjourned'].includes(demoStatus)
        ? '\n'
        : `(the demo session is ${demoStatus}: only chair and secretary can enter; set DEMO_ROOM to a new id for a fresh one)\n\n`),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
}

main().catch((err: unknown) => {
  process.stderr.write(`yishi: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
