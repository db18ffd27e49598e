import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import type { IServerAdapter } from '@bull-board/api/typings/app';
import { FastifyAdapter as BoardFastifyAdapter } from '@bull-board/fastify';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { replyWithError } from '../lifecycle/error-reply';
import { registeredQueues } from '../lifecycle/registered-queues';
import { BoardAccess, BoardAccessGuard } from './board-access.guard';
import { BOARD_PATH, boardCookie } from './board-credentials';

declare module 'fastify' {
  interface FastifyRequest {
    boardAccess?: BoardAccess;
  }
}

/**
 * Bull Board for every queue at /admin/queues, admins only. The board is a Fastify plugin outside Nest's router
 * (so outside the OpenAPI document); it is registered in a scope of its own whose first hook admits each request
 * (see {@link BoardAccessGuard}), static files and board API included. A browser cannot add a bearer header to a
 * page load: `POST /admin/queues/session` with the admin's bearer token stores that token in an HttpOnly,
 * SameSite=Strict cookie scoped to /admin/queues until it expires; `DELETE /admin/queues/session` removes it.
 */
@Injectable()
export class BullBoardMount implements OnModuleInit {
  private readonly logger = new Logger(BullBoardMount.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly guard: BoardAccessGuard,
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return; // an application context without HTTP (a CLI command)
    const queues = registeredQueues(this.moduleRef);
    const board = new BoardFastifyAdapter();
    board.setBasePath(BOARD_PATH);
    createBullBoard({
      queues: queues.map((q) => new BullAdapter(q)),
      // @bull-board/fastify declares its own copy of @bull-board/api's types (one patch version behind)
      serverAdapter: board as unknown as IServerAdapter,
      options: { uiConfig: { boardTitle: 'IDS-AI queues' } },
    });
    await fastify.register(
      async (scope) => {
        scope.addHook('onRequest', async (request, reply) => {
          try {
            request.boardAccess = await this.guard.admit(request);
          } catch (e) {
            return replyWithError(request, reply, e);
          }
        });
        scope.post('/session', (request, reply) => this.openSession(request, reply));
        scope.delete('/session', (request, reply) => this.closeSession(request, reply));
        await scope.register(board.registerPlugin());
      },
      { prefix: BOARD_PATH },
    );
    this.logger.log(`queue board at ${BOARD_PATH} (${queues.map((q) => q.name).join(', ')})`);
  }

  private openSession(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const access = request.boardAccess!;
    if (access.credential.via !== 'header') {
      return replyWithError(request, reply, new DomainError(ErrorCode.UNAUTHENTICATED, 'Send the access token as a bearer header to open a board session'));
    }
    const maxAge = Math.floor((access.expiresAt - Date.now()) / 1000);
    return reply.header('set-cookie', boardCookie(access.credential.token, maxAge, request.protocol === 'https')).code(204).send();
  }

  private closeSession(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    return reply.header('set-cookie', boardCookie(null, 0, request.protocol === 'https')).code(204).send();
  }
}
