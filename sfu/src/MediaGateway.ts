import type { MediaRoomApi } from './MediaRoomApi.js';

/** What signaling needs of the SFU; it never touches mediasoup directly. */
export interface MediaGateway {
  /** The room's media, created on first use (one router on the least-loaded worker). */
  openRoom(roomId: string): Promise<MediaRoomApi>;
  /** True while every worker is up. */
  readonly ready: boolean;
  close(): Promise<void>;
}
