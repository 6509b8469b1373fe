import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/repositories/sqlite/schema.ts',
  out: './migrations/sqlite',
  dbCredentials: { url: process.env.DATABASE_URL ?? './data/conversations.db' },
})
