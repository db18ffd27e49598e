import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { UserDto } from '../../users/dto/user.dto';
import { CharacterLength, PASSWORD_MAX, PasswordProperty } from '../../users/dto/user-input.dto';

export class LoginDto {
  @ApiPropertyOptional({ example: 'admin@example.com', description: 'Email (or give `username`)' })
  @ValidateIf((o: LoginDto) => o.username === undefined || o.email !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ description: 'Accepted in place of `email` (the username or the email)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  username?: string;

  @ApiProperty({ format: 'password', maxLength: PASSWORD_MAX })
  @IsString()
  @IsNotEmpty()
  @CharacterLength(1, PASSWORD_MAX)
  password: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token of the last login or refresh (each is usable once)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  refresh_token: string;
}

export class ChangePasswordDto {
  @ApiProperty({ format: 'password', maxLength: PASSWORD_MAX })
  @IsString()
  @IsNotEmpty()
  @CharacterLength(1, PASSWORD_MAX)
  current_password: string;

  @PasswordProperty('The new password (every session of the user ends, this one too)')
  new_password: string;
}

export class TokenResponseDto {
  @ApiProperty({ description: 'JWT access token' }) access_token: string;
  @ApiProperty({ description: 'Opaque refresh token, single use; rotated on every refresh' }) refresh_token: string;
  @ApiProperty({ enum: ['bearer'] }) token_type: 'bearer';
  @ApiProperty({ description: 'Access token lifetime in seconds', example: 900 }) expires_in: number;
  @ApiProperty({ type: UserDto }) user: UserDto;
}
