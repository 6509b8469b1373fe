import { describe, expect, it } from 'vitest'
import { idPrefixes, mintItemId, newId, prefixForItemType } from '../../src/repositories/ids.js'

describe('newId', () => {
  it('is the prefix, an underscore and 48 lowercase hex characters', () => {
    expect(newId('conversation')).toMatch(/^conv_[0-9a-f]{48}$/)
    expect(newId('function_call')).toMatch(/^fc_[0-9a-f]{48}$/)
  })

  it('starts with the creation time in Unix seconds, as 8 hex characters', () => {
    const id = newId('message', 1_700_000_000)
    expect(id.slice(4, 12)).toBe((1_700_000_000).toString(16).padStart(8, '0'))
    expect(parseInt(newId('message').slice(4, 12), 16)).toBeCloseTo(Date.now() / 1000, -1)
  })

  it('is random after the time', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('message', 0)))
    expect(ids.size).toBe(10_000)
  })
})

describe('the prefix table', () => {
  it('gives every kind its own prefix', () => {
    const prefixes = Object.values(idPrefixes)
    expect(new Set(prefixes).size).toBe(prefixes.length)
  })

  it('uses the prefixes OpenAI uses where they are known', () => {
    expect({
      conversation: prefixForItemType('conversation'),
      message: prefixForItemType('message'),
      function_call: prefixForItemType('function_call'),
      reasoning: prefixForItemType('reasoning'),
      web_search_call: prefixForItemType('web_search_call'),
      file_search_call: prefixForItemType('file_search_call'),
      computer_call: prefixForItemType('computer_call'),
      code_interpreter_call: prefixForItemType('code_interpreter_call'),
      image_generation_call: prefixForItemType('image_generation_call'),
      mcp_call: prefixForItemType('mcp_call'),
      mcp_list_tools: prefixForItemType('mcp_list_tools'),
      mcp_approval_request: prefixForItemType('mcp_approval_request'),
      custom_tool_call: prefixForItemType('custom_tool_call'),
    }).toEqual({
      conversation: 'conv',
      message: 'msg',
      function_call: 'fc',
      reasoning: 'rs',
      web_search_call: 'ws',
      file_search_call: 'fs',
      computer_call: 'cu',
      code_interpreter_call: 'ci',
      image_generation_call: 'ig',
      mcp_call: 'mcp',
      mcp_list_tools: 'mcpl',
      mcp_approval_request: 'mcpr',
      custom_tool_call: 'ctc',
    })
    expect(prefixForItemType('no_such_type')).toBeUndefined()
  })
})

describe('mintItemId', () => {
  it('uses the item type\'s prefix, and message ids for types without one', () => {
    expect(mintItemId(newId, 'function_call_output', 0)).toMatch(/^fco_00000000[0-9a-f]{40}$/)
    expect(mintItemId(newId, 'item_reference', 0)).toMatch(/^msg_00000000[0-9a-f]{40}$/)
  })
})
