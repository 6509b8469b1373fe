// item_reference: a pointer to an existing item by id. `type` may be omitted or null.
import { Type } from '@sinclair/typebox'
import { ItemId, OptionalNullable, Strict } from './common.js'

export const ItemReferenceInput = Strict({
  type: OptionalNullable(Type.Literal('item_reference')),
  id: ItemId,
})
