export { signToken, verifyToken, type TokenSettings } from './auth/tokens.js';
export { loadConfig, type Config } from './config.js';
export { joinUrl } from './invitations/joinUrl.js';
export { createLogger } from './logger.js';
export { startServer, type RunningServer } from './server.js';
export { SessionService, SYSTEM, type SessionChange } from './sessions/SessionService.js';
