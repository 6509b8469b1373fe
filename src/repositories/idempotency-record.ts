// The stored row of an Idempotency-Key, whatever the dialect, as the plugin sees it.
import type { IdempotencyRecord } from './types.js'

export interface IdempotencyRow { requestHash: string, status: number | null, body: string | null, erasedAt: number | null }

export const toIdempotencyRecord = ({ erasedAt, ...row }: IdempotencyRow): IdempotencyRecord =>
  ({ ...row, erased: erasedAt !== null })
