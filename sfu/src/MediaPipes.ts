import type { types } from 'mediasoup';
import type { ProducerInfo, RtpParameters } from '@yishi/shared';

/**
 * Where one end of a pipe listens, and the SRTP keys it encrypts what it sends with (the other
 * end decrypts with them): media between nodes is never plain RTP on the wire.
 */
export interface PipeAddress {
  ip: string;
  port: number;
  srtpParameters: types.SrtpParameters;
}

/** One end of a pipe between two nodes' routers for a session (UDP, RTP and RTCP muxed, SRTP). */
export interface PipeEnd extends PipeAddress {
  pipeId: string;
}

/** What the node that has a producer tells the node that wants it, to produce it there. */
export interface PipeOffer extends PipeAddress {
  producer: ProducerInfo;
  rtpParameters: RtpParameters;
}

/**
 * Media crossing nodes: a producer of this room is sent to another node's router for the same
 * session over a PipeTransport, and appears there as a producer of a remote peer, consumed like
 * any other. Pausing or closing the original silences or ends it everywhere.
 */
export interface MediaPipes {
  /** Sends `producerId` to the other node's pipe end `remote`; what that node needs to produce it. */
  pipeOut(producerId: string, remote: PipeAddress): Promise<PipeOffer & { pipeId: string }>;
  /** A pipe end waiting for another node's offer. */
  openPipeIn(): Promise<PipeEnd>;
  /** Connects pipe `pipeId` to the offer and produces the remote producer here. */
  completePipeIn(pipeId: string, offer: PipeOffer): Promise<ProducerInfo>;
  /** Pauses or resumes a producer piped in here (its owner's node paused or resumed it). */
  setPipedPaused(producerId: string, paused: boolean): Promise<void>;
  /** Closes a pipe, in or out (the piped producer, if any, closes with it). */
  closePipe(pipeId: string): void;
}
