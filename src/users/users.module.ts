import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PasswordService } from './password.service';
import { UserEntity } from './user.entity';
import { UsersBootstrap } from './users.bootstrap';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  controllers: [UsersController],
  providers: [UsersRepository, UsersService, PasswordService, UsersBootstrap],
  exports: [UsersRepository, UsersService, PasswordService],
})
export class UsersModule {}
