// Stored item texts: the id is read back from a text's head exactly as encodeItem wrote it.
import { describe, expect, it } from 'vitest'
import { encodeItem, leadingItemId, reassignItemId } from '../../src/items/codec.js'

const item = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'say "hi" \\ there' }] }

describe('leadingItemId', () => {
  it.each([
    'msg_plain',
    'msg_"quoted"',
    'msg_back\\slash',
    'msg_trailing\\',
    'msg_\\"mixed\\\\"',
    'msg_ünïcødé_😀',
    'msg_\u0000\u001f\n',
    '',
  ])('reads %j back from the stored body', (id) => {
    const { body } = encodeItem(id, item)
    expect(leadingItemId(body)).toBe(id)
  })

  it('reads the id of a text whose id is not first (written by another version)', () => {
    expect(leadingItemId(JSON.stringify({ type: 'message', id: 'msg_late' }))).toBe('msg_late')
  })

  it('follows an id rewritten by a fork', () => {
    const { body } = encodeItem('msg_old', item)
    expect(leadingItemId(reassignItemId(body, 'msg_old', 'msg_"new"'))).toBe('msg_"new"')
  })
})
