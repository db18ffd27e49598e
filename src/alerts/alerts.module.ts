import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertEventEntity } from './alert-event.entity';
import { AlertEntity } from './alert.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AlertEntity, AlertEventEntity])],
  controllers: [],
  providers: [],
  exports: [TypeOrmModule],
})
export class AlertsModule {}
