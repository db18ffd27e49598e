import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Actor, Authenticated, CurrentPrincipal } from '../common/auth/auth.decorators';
import { ActorContext, UserPrincipal } from '../common/auth/principal';
import { Public } from '../common/decorators/public.decorator';
import { ApiRateLimited, ApiValidationErrors } from '../common/http/api-errors.decorator';
import { ErrorResponseDto } from '../common/http/error-response.dto';
import { toUserDto, UserDto } from '../users/dto/user.dto';
import { AuthService } from './auth.service';
import { ChangePasswordDto, LoginDto, RefreshDto, TokenResponseDto } from './dto/auth.dto';

const client = (req: FastifyRequest) => ({ ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null });

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with email (or username) and password' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiValidationErrors()
  @ApiUnauthorizedResponse({ description: 'Invalid credentials (same answer for an unknown user)', type: ErrorResponseDto })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins; see Retry-After', type: ErrorResponseDto })
  login(@Actor() actor: ActorContext, @Body() dto: LoginDto, @Req() req: FastifyRequest): Promise<TokenResponseDto> {
    return this.auth.login(actor, (dto.email ?? dto.username)!, dto.password, client(req));
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for new tokens (rotation; reuse revokes the session)' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiValidationErrors()
  @ApiUnauthorizedResponse({ description: 'Unknown, used, revoked or expired refresh token', type: ErrorResponseDto })
  @ApiRateLimited()
  refresh(@Actor() actor: ActorContext, @Body() dto: RefreshDto, @Req() req: FastifyRequest): Promise<TokenResponseDto> {
    return this.auth.refresh(actor, dto.refresh_token, client(req));
  }

  @Post('logout')
  @Authenticated()
  @HttpCode(204)
  @ApiOperation({ summary: 'End this session: its refresh tokens and access tokens stop working' })
  @ApiNoContentResponse({ description: 'Logged out' })
  async logout(@Actor() actor: ActorContext, @CurrentPrincipal() principal: UserPrincipal): Promise<void> {
    await this.auth.logout(actor, principal);
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserDto })
  async me(@CurrentPrincipal() principal: UserPrincipal): Promise<UserDto> {
    return toUserDto(await this.auth.me(principal));
  }

  @Post('change-password')
  @Authenticated()
  @HttpCode(204)
  @ApiOperation({ summary: 'Change the own password (all sessions end: log in again)' })
  @ApiNoContentResponse({ description: 'Password changed' })
  @ApiValidationErrors()
  async changePassword(
    @Actor() actor: ActorContext,
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() dto: ChangePasswordDto,
  ): Promise<void> {
    await this.auth.changePassword(actor, principal, dto.current_password, dto.new_password);
  }
}
