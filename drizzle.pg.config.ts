import { defineConfig } from 'drizzle-kit'

// PostgreSQL migration history (DATABASE_URL=postgres://…); the SQLite one is drizzle.config.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/repositories/pg/schema.ts',
  out: './migrations/pg',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://localhost:5432/conversations' },
})
