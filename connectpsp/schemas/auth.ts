import { z } from 'zod';
import { TimestampSchema } from './fields.js';

/** `POST /auth/token` body. `clientId` is numeric but sent as a string. */
export const AuthTokenRequestSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});
export type AuthTokenRequest = z.infer<typeof AuthTokenRequestSchema>;

/** `POST /auth/token` 200 body: an HS256 JWT valid for `expiresIn` seconds; there is no refresh token. */
export const AuthTokenResponseSchema = z.looseObject({
  accessToken: z.string().min(1),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().positive(),
  issuedAt: TimestampSchema,
});
export type AuthTokenResponse = z.infer<typeof AuthTokenResponseSchema>;
