import { Module } from '@nestjs/common';
import { RealtimeModule } from '../../realtime/realtime.module';
import { BoardAccessGuard } from './board-access.guard';
import { BullBoardMount } from './bull-board.mount';

/** The queue board (the `api` and `all` roles, unless BULL_BOARD_ENABLED=false). */
@Module({
  imports: [RealtimeModule],
  providers: [BoardAccessGuard, BullBoardMount],
})
export class BullBoardModule {}
