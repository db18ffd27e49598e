import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsEnum, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Role } from '../../core/permissions';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** 8 to 128 characters, any characters (no composition rules, no truncation). */
export const PasswordProperty = (description = 'Password: 8 to 128 characters') =>
  function (target: object, key: string) {
    ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, format: 'password', description })(target, key);
    IsString()(target, key);
    MinLength(PASSWORD_MIN)(target, key);
    MaxLength(PASSWORD_MAX)(target, key);
  };

export class CreateUserDto {
  @ApiProperty({ format: 'email', example: 'analyst@example.com' })
  @IsEmail({ require_tld: false })
  @MaxLength(320)
  email: string;

  @ApiPropertyOptional({ example: 'analyst1', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{2,100}$/, { message: 'username may hold letters, digits, dot, underscore and dash (2–100)' })
  username?: string;

  @ApiPropertyOptional({ example: 'Ada Analyst', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiProperty({ enum: Role, enumName: 'Role' })
  @IsEnum(Role)
  role: Role;

  @PasswordProperty()
  password: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: Role, enumName: 'Role' })
  @IsOptional()
  @IsEnum(Role)
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class ResetPasswordDto {
  @PasswordProperty('The new password; every session of the user ends')
  password: string;
}
