import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsEnum, IsOptional, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';
import { IsOptionalNotNull } from '../../common/http/field-validators';
import { characterCount, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS } from '../../core/password-policy';
import { Role } from '../../core/permissions';

export const PASSWORD_MIN = PASSWORD_MIN_CHARS;
export const PASSWORD_MAX = PASSWORD_MAX_CHARS;

/** A length in characters (Unicode code points), not UTF-16 units: 128 emoji are 128 characters. */
export const CharacterLength = (min: number, max: number) =>
  ValidateBy({
    name: 'characterLength',
    constraints: [min, max],
    validator: {
      validate: (value: unknown) => typeof value === 'string' && characterCount(value) >= min && characterCount(value) <= max,
      defaultMessage: (args) => `${args?.property} must be ${min} to ${max} characters long`,
    },
  });

/**
 * 8 to 128 characters, any characters (no composition rules, no truncation). The service refuses common passwords
 * and context words (see core/password-policy.ts).
 */
const POLICY =
  '8 to 128 characters, any characters (spaces, Unicode); a common or breached password, or one containing the ' +
  "account's e-mail, its local part, username, name or the product name, is refused with 400";

export const PasswordProperty = (description = 'Password') =>
  function (target: object, key: string) {
    const schema = { minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, format: 'password' };
    ApiProperty({ ...schema, description: `${description}: ${POLICY}` })(target, key);
    IsString()(target, key);
    CharacterLength(PASSWORD_MIN, PASSWORD_MAX)(target, key);
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
  @IsOptionalNotNull()
  @IsEnum(Role)
  role?: Role;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class ResetPasswordDto {
  @PasswordProperty('The new password (every session of the user ends)')
  password: string;
}
