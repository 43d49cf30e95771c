import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** The internal listener (/metrics, /health/*) of an app started with RADAR_INTERNAL_PORT; closed with the app. */
@Injectable()
export class InternalListener implements OnApplicationShutdown {
  server?: Server;
  readonly sockets = new WeakSet<Socket>();

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }
}
