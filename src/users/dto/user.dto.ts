import { ApiProperty } from '@nestjs/swagger';
import { PageMetaDto } from '../../common/pagination/pagination.dto';
import { Role } from '../../core/permissions';
import { UserEntity } from '../user.entity';

/** A user as the API shows it: never the password hash. */
export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'email' }) email: string;
  @ApiProperty({ nullable: true, type: String }) username: string | null;
  @ApiProperty() name: string;
  @ApiProperty({ enum: Role, enumName: 'Role' }) role: Role;
  @ApiProperty() is_active: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_login_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] }) items: UserDto[];
  @ApiProperty({ type: PageMetaDto }) meta: PageMetaDto;
}

export function toUserDto(u: UserEntity): UserDto {
  return {
    id: u.id,
    email: u.email,
    username: u.username,
    name: u.name,
    role: u.role,
    is_active: u.isActive,
    last_login_at: u.lastLoginAt ? u.lastLoginAt.toISOString() : null,
    created_at: u.createdAt.toISOString(),
    updated_at: u.updatedAt.toISOString(),
  };
}

/** What the audit log keeps of a user before and after a change. */
export function auditView(u: UserEntity): Record<string, unknown> {
  return { email: u.email, name: u.name, role: u.role, is_active: u.isActive };
}
