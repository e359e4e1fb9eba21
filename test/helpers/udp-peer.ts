/** A scripted UDP peer on loopback: the handler decides what (if anything) to answer. */
import { type RemoteInfo, type Socket, createSocket } from "node:dgram";

export interface UdpPeer {
  port: number;
  received: Buffer[];
  close(): Promise<void>;
}

export async function startUdpPeer(handler: (msg: Buffer, reply: (b: Buffer) => void, from: RemoteInfo, socket: Socket) => void): Promise<UdpPeer> {
  const socket = createSocket("udp4");
  const received: Buffer[] = [];
  socket.on("message", (msg, from) => {
    received.push(msg);
    handler(msg, (b) => socket.send(b, from.port, from.address), from, socket);
  });
  await new Promise<void>((res) => socket.bind(0, "127.0.0.1", () => res()));
  return {
    port: socket.address().port,
    received,
    close: () => new Promise((res) => socket.close(() => res())),
  };
}
