// Tool definitions (the spec's `Tool` union), carried by additional_tools and tool_search_output
// items, plus the environment/container objects they share with shell_call items.
import { Type, type TSchema } from '@sinclair/typebox'
import { FreeObject, Nullable, OptionalNullable, Str, StringEnum, Strict, TEN_MIB } from './common.js'

const AllowedCallers = OptionalNullable(Type.Array(StringEnum(['direct', 'programmatic'] as const), { minItems: 1 }))

// Filters (file_search). The spec's CompoundFilter is recursive; the checker wants `$id`-free
// schemas, so compound filters are checked to a fixed depth and anything deeper is any object.
const comparisonTypes = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin'] as const
const ComparisonValue = Type.Union([
  Type.String(),
  Type.Number(),
  Type.Boolean(),
  Type.Array(Type.Union([Type.String(), Type.Number()])),
])
// One variant per operator, so each has the literal `type` the checker discriminates on.
const comparisonFilters = comparisonTypes.map((op) =>
  Strict({ type: Type.Literal(op), key: Type.String(), value: ComparisonValue }))

function filterUnion (depth: number): TSchema {
  const nested = depth === 0 ? FreeObject : filterUnion(depth - 1)
  return Type.Union([
    ...comparisonFilters,
    Strict({ type: Type.Literal('and'), filters: Type.Array(nested) }),
    Strict({ type: Type.Literal('or'), filters: Type.Array(nested) }),
  ])
}
export const Filters = filterUnion(3)

const MemoryLimit = StringEnum(['1g', '4g', '16g', '64g'] as const)

const NetworkPolicy = Type.Union([
  Strict({ type: Type.Literal('disabled') }),
  Strict({
    type: Type.Literal('allowlist'),
    allowed_domains: Type.Array(Type.String(), { minItems: 1 }),
    domain_secrets: Type.Optional(Type.Array(Strict({
      domain: Str(1),
      name: Str(1),
      value: Str(1, TEN_MIB),
    }), { minItems: 1 })),
  }),
])

const FileIds = Type.Optional(Type.Array(Type.String(), { maxItems: 50 }))

export const LocalSkill = Strict({ name: Type.String(), description: Type.String(), path: Type.String() })

/** The `local` environment as a client sends it (shell tool and shell_call input). */
export const LocalEnvironmentParam = Strict({
  type: Type.Literal('local'),
  skills: Type.Optional(Type.Array(LocalSkill, { maxItems: 200 })),
})

export const ContainerReference = Strict({ type: Type.Literal('container_reference'), container_id: Type.String() })

const ContainerAuto = Strict({
  type: Type.Literal('container_auto'),
  file_ids: FileIds,
  memory_limit: OptionalNullable(MemoryLimit),
  network_policy: Type.Optional(NetworkPolicy),
  skills: Type.Optional(Type.Array(Type.Union([
    Strict({ type: Type.Literal('skill_reference'), skill_id: Str(1, 64), version: Type.Optional(Type.String()) }),
    Strict({
      type: Type.Literal('inline'),
      name: Type.String(),
      description: Type.String(),
      source: Strict({
        type: Type.Literal('base64'),
        media_type: Type.Literal('application/zip'),
        data: Str(1, 70254592),
      }),
    }),
  ]), { maxItems: 200 })),
})

const FunctionTool = Strict({
  type: Type.Literal('function'),
  name: Type.String(),
  description: OptionalNullable(Type.String()),
  parameters: Nullable(FreeObject),
  output_schema: OptionalNullable(FreeObject),
  strict: Nullable(Type.Boolean()),
  defer_loading: Type.Optional(Type.Boolean()),
  allowed_callers: OptionalNullable(Type.Array(StringEnum(['direct', 'programmatic'] as const))),
})

const FileSearchTool = Strict({
  type: Type.Literal('file_search'),
  vector_store_ids: Type.Array(Type.String()),
  max_num_results: Type.Optional(Type.Integer()),
  ranking_options: Type.Optional(Strict({
    ranker: Type.Optional(StringEnum(['auto', 'default-2024-11-15'] as const)),
    score_threshold: Type.Optional(Type.Number()),
    hybrid_search: Type.Optional(Strict({ embedding_weight: Type.Number(), text_weight: Type.Number() })),
  })),
  filters: OptionalNullable(Filters),
})

const ComputerTool = Strict({ type: Type.Literal('computer') })

const ComputerUsePreviewTool = Strict({
  type: Type.Literal('computer_use_preview'),
  environment: StringEnum(['windows', 'mac', 'linux', 'ubuntu', 'browser'] as const),
  display_width: Type.Integer(),
  display_height: Type.Integer(),
})

const locationFields = {
  country: OptionalNullable(Type.String()),
  region: OptionalNullable(Type.String()),
  city: OptionalNullable(Type.String()),
  timezone: OptionalNullable(Type.String()),
}

// The spec's WebSearchTool and WebSearchPreviewTool each allow two `type` values; one variant per
// value keeps a single literal `type` per union member.
const webSearchTool = (type: 'web_search' | 'web_search_2025_08_26'): TSchema => Strict({
  type: Type.Literal(type),
  external_web_access: Type.Optional(Type.Boolean()),
  filters: OptionalNullable(Strict({ allowed_domains: OptionalNullable(Type.Array(Type.String())) })),
  user_location: OptionalNullable(Strict({ type: Type.Optional(Type.Literal('approximate')), ...locationFields })),
  search_context_size: Type.Optional(StringEnum(['low', 'medium', 'high'] as const)),
})

const webSearchPreviewTool = (type: 'web_search_preview' | 'web_search_preview_2025_03_11'): TSchema => Strict({
  type: Type.Literal(type),
  user_location: OptionalNullable(Strict({ type: Type.Literal('approximate'), ...locationFields })),
  search_context_size: Type.Optional(StringEnum(['low', 'medium', 'high'] as const)),
  search_content_types: Type.Optional(Type.Array(StringEnum(['text', 'image'] as const))),
})

const McpToolFilter = Strict({ tool_names: Type.Optional(Type.Array(Type.String())), read_only: Type.Optional(Type.Boolean()) })

const McpTool = Strict({
  type: Type.Literal('mcp'),
  server_label: Type.String(),
  server_url: Type.Optional(Type.String()),
  connector_id: Type.Optional(StringEnum([
    'connector_dropbox',
    'connector_gmail',
    'connector_googlecalendar',
    'connector_googledrive',
    'connector_microsoftteams',
    'connector_outlookcalendar',
    'connector_outlookemail',
    'connector_sharepoint',
  ] as const)),
  tunnel_id: Type.Optional(Type.String({ pattern: '^tunnel_[a-z0-9]{32}$' })),
  authorization: Type.Optional(Type.String()),
  server_description: Type.Optional(Type.String()),
  headers: OptionalNullable(Type.Record(Type.String(), Type.String())),
  allowed_tools: OptionalNullable(Type.Union([Type.Array(Type.String()), McpToolFilter])),
  allowed_callers: AllowedCallers,
  require_approval: OptionalNullable(Type.Union([
    Strict({ always: Type.Optional(McpToolFilter), never: Type.Optional(McpToolFilter) }),
    StringEnum(['always', 'never'] as const),
  ])),
  defer_loading: Type.Optional(Type.Boolean()),
})

const CodeInterpreterTool = Strict({
  type: Type.Literal('code_interpreter'),
  container: Type.Union([
    Type.String(),
    Strict({
      type: Type.Literal('auto'),
      file_ids: FileIds,
      memory_limit: OptionalNullable(MemoryLimit),
      network_policy: Type.Optional(NetworkPolicy),
    }),
  ]),
  allowed_callers: AllowedCallers,
})

const ProgrammaticToolCalling = Strict({ type: Type.Literal('programmatic_tool_calling') })

const ImageGenTool = Strict({
  type: Type.Literal('image_generation'),
  model: Type.Optional(Type.String()),
  quality: Type.Optional(StringEnum(['low', 'medium', 'high', 'auto'] as const)),
  size: Type.Optional(Type.String()),
  output_format: Type.Optional(StringEnum(['png', 'webp', 'jpeg'] as const)),
  output_compression: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  moderation: Type.Optional(StringEnum(['auto', 'low'] as const)),
  background: Type.Optional(StringEnum(['transparent', 'opaque', 'auto'] as const)),
  input_fidelity: OptionalNullable(StringEnum(['high', 'low'] as const)),
  input_image_mask: Type.Optional(Strict({ image_url: Type.Optional(Type.String()), file_id: Type.Optional(Type.String()) })),
  partial_images: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
  action: Type.Optional(StringEnum(['generate', 'edit', 'auto'] as const)),
})

const LocalShellTool = Strict({ type: Type.Literal('local_shell') })

const ShellTool = Strict({
  type: Type.Literal('shell'),
  environment: OptionalNullable(Type.Union([ContainerAuto, LocalEnvironmentParam, ContainerReference])),
  allowed_callers: AllowedCallers,
})

const CustomTool = Strict({
  type: Type.Literal('custom'),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  format: Type.Optional(Type.Union([
    Strict({ type: Type.Literal('text') }),
    Strict({ type: Type.Literal('grammar'), syntax: StringEnum(['lark', 'regex'] as const), definition: Type.String() }),
  ])),
  defer_loading: Type.Optional(Type.Boolean()),
  allowed_callers: AllowedCallers,
})

/** FunctionToolParam: the looser function shape allowed inside a namespace. */
const NamespacedFunctionTool = Strict({
  name: Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9_-]+$' }),
  description: OptionalNullable(Type.String()),
  parameters: OptionalNullable(FreeObject),
  strict: OptionalNullable(Type.Boolean()),
  type: Type.Literal('function'),
  output_schema: OptionalNullable(FreeObject),
  defer_loading: Type.Optional(Type.Boolean()),
  allowed_callers: AllowedCallers,
})

const NamespaceTool = Strict({
  type: Type.Literal('namespace'),
  name: Str(1),
  description: Type.String(),
  tools: Type.Array(Type.Union([NamespacedFunctionTool, CustomTool]), { minItems: 1 }),
})

const ToolSearchTool = Strict({
  type: Type.Literal('tool_search'),
  execution: Type.Optional(StringEnum(['server', 'client'] as const)),
  description: OptionalNullable(Type.String()),
  parameters: OptionalNullable(FreeObject),
})

const ApplyPatchTool = Strict({ type: Type.Literal('apply_patch'), allowed_callers: AllowedCallers })

/** The spec's `Tool` union. */
export const Tool = Type.Union([
  FunctionTool,
  FileSearchTool,
  ComputerTool,
  ComputerUsePreviewTool,
  webSearchTool('web_search'),
  webSearchTool('web_search_2025_08_26'),
  McpTool,
  CodeInterpreterTool,
  ProgrammaticToolCalling,
  ImageGenTool,
  LocalShellTool,
  ShellTool,
  CustomTool,
  NamespaceTool,
  ToolSearchTool,
  webSearchPreviewTool('web_search_preview'),
  webSearchPreviewTool('web_search_preview_2025_03_11'),
  ApplyPatchTool,
])
