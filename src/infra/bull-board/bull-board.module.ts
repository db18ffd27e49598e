import { Module } from '@nestjs/common';
import { BoardAccessGuard } from './board-access.guard';
import { BullBoardMount } from './bull-board.mount';

/** The queue board (the `api` and `all` roles, unless BULL_BOARD_ENABLED=false); AuthModule (global) checks tokens. */
@Module({
  providers: [BoardAccessGuard, BullBoardMount],
})
export class BullBoardModule {}
