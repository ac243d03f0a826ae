import { type Config, ConfigError, loadConfig } from './config.js';
import { demoLinks, ensureDemoTopic } from './demo.js';
import { createLogger } from './logger.js';
import { type RunningServer, startServer } from './server.js';
import type { Logger } from 'pino';

/** `npm start`: one node with the embedded defaults, and on a developer's machine join links for the demo room. */
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
  process.stdout.write(`\n议事 Yishi is ready at ${server.url}\n${await demo(server, config, log)}\n`);

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

/**
 * Opens the demo room and says how to join it, with a link (a token) per role; in a deployment,
 * where tokens on the log stream would be a leak, only when DEMO_ROOM asks for it.
 */
async function demo(server: RunningServer, config: Config, log: Logger): Promise<string> {
  const room = config.demoRoom;
  if (room === undefined) {
    return `No demo room in a deployment (set DEMO_ROOM for one): topics and invitations at ${server.url}/organiser\n`;
  }
  if ((await ensureDemoTopic(server.sessions, room)) === 'created') {
    log.info({ roomId: room }, 'demo topic created and opened');
  }
  const status = (await server.sessions.get(room)).state.session.status;
  const links = demoLinks(server.url, room, server.tokens);
  return (
    `Demo room "${room}" — open a link per person:\n` +
    links.map((l) => `  ${l.label.padEnd(22)} ${l.url}\n`).join('') +
    (['open', 'in_progress', 'adjourned'].includes(status)
      ? ''
      : `(the demo session is ${status}: only chair and secretary can enter; set DEMO_ROOM to a new id for a fresh one)\n`)
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`yishi: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
