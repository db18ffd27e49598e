import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, RequirePermission } from '../common/auth/auth.decorators';
import { ActorContext } from '../common/auth/principal';
import { ApiConflict, ApiNotFound, ApiValidationErrors } from '../common/http/api-errors.decorator';
import { UuidPipe } from '../common/http/uuid.pipe';
import { PageQueryDto } from '../common/pagination/pagination.dto';
import { Permission } from '../core/permissions';
import { toUserDto, UserDto, UserPageDto } from './dto/user.dto';
import { CreateUserDto, ResetPasswordDto, UpdateUserDto } from './dto/user-input.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
@RequirePermission(Permission.MANAGE_USERS)
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a user' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiValidationErrors()
  @ApiConflict('The email is already in use')
  async create(@Actor() actor: ActorContext, @Body() dto: CreateUserDto): Promise<UserDto> {
    return toUserDto(await this.users.create(actor, dto));
  }

  @Get()
  @ApiOperation({ summary: 'List users (paginated; deleted users are not listed)' })
  @ApiOkResponse({ type: UserPageDto })
  @ApiValidationErrors()
  async list(@Query() q: PageQueryDto): Promise<UserPageDto> {
    const [rows, total] = await this.users.list(q.page, q.limit);
    return { items: rows.map(toUserDto), meta: { page: q.page, limit: q.limit, total } };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a user' })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFound('User')
  @ApiValidationErrors()
  async get(@Param('id', UuidPipe) id: string): Promise<UserDto> {
    return toUserDto(await this.users.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change role, active flag or name (role change and deactivation end the sessions)' })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFound('User')
  @ApiValidationErrors()
  @ApiConflict('The change would leave no active admin')
  async update(@Actor() actor: ActorContext, @Param('id', UuidPipe) id: string, @Body() dto: UpdateUserDto): Promise<UserDto> {
    return toUserDto(await this.users.update(actor, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user (soft delete; sessions end)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFound('User')
  @ApiValidationErrors()
  @ApiConflict('The last active admin cannot be deleted')
  async remove(@Actor() actor: ActorContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.users.remove(actor, id);
  }

  @Post(':id/reset-password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Set a new password for a user (sessions end)' })
  @ApiNoContentResponse({ description: 'Password changed' })
  @ApiNotFound('User')
  @ApiValidationErrors()
  async resetPassword(@Actor() actor: ActorContext, @Param('id', UuidPipe) id: string, @Body() dto: ResetPasswordDto): Promise<void> {
    await this.users.resetPassword(actor, id, dto.password);
  }
}
