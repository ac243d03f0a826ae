export { MEDIA_CODECS, type MediaConfig } from './config.js';
export type { MediaGateway } from './MediaGateway.js';
export type { MediaPipes, PipeAddress, PipeEnd, PipeOffer } from './MediaPipes.js';
export { MediaRoom, type SendStats } from './MediaRoom.js';
export type { MediaRoomApi, MediaRoomEvents, PeerMediaOptions, ProduceRequest } from './MediaRoomApi.js';
export { MediasoupGateway } from './MediasoupGateway.js';
export { WorkerPool, type WorkerSlot } from './WorkerPool.js';
