// Who bills a unit of usage. The same Claude model reaches an org through four bills: Anthropic's
// API (its Admin API cost report), Amazon Bedrock (the AWS bill), Google Vertex (the GCP bill) and a
// Claude subscription plan (a flat fee, nothing per token). Only telemetry of the API whose bill
// aispend polls may be compared with that bill: Bedrock usage netted against the Anthropic bill
// hides one of the two. So every usage row carries its billing source, decided here.

export const BILLING = {
  anthropicApi: 'anthropic_api',
  openaiApi: 'openai_api',
  bedrock: 'bedrock',
  vertex: 'vertex',
  subscription: 'subscription',
} as const;
export type KnownBillingSource = (typeof BILLING)[keyof typeof BILLING];

/** Bills aispend polls, by provider, and the billing source whose telemetry they are compared with. */
export const RECONCILED: Readonly<Record<string, string>> = {
  anthropic: BILLING.anthropicApi,
  openai: BILLING.openaiApi,
};

/** the provider whose bill a billing source is reconciled with, if any */
export function reconciledProvider(billingSource: string): string | undefined {
  for (const [provider, source] of Object.entries(RECONCILED)) if (source === billingSource) return provider;
  return undefined;
}

// Bedrock model ids: `anthropic.claude-…-v1:0`, with a cross-region prefix (`us.`, `eu.`, `apac.`,
// `global.`, …) or as an inference-profile ARN.
const BEDROCK_MODEL = /^(?:arn:aws[\w-]*:bedrock:|(?:[a-z]{2,6}(?:-[a-z]+)?\.)?anthropic\.)|-v\d+:\d+$/i;
// Vertex model ids: `claude-sonnet-4-5@20250929`
const VERTEX_MODEL = /^claude-[\w.-]+@\d{8}$/i;

const PROVIDER_ALIASES: Record<string, KnownBillingSource> = {
  bedrock: BILLING.bedrock,
  'aws-bedrock': BILLING.bedrock,
  'amazon-bedrock': BILLING.bedrock,
  aws: BILLING.bedrock,
  vertex: BILLING.vertex,
  'vertex-ai': BILLING.vertex,
  vertex_ai: BILLING.vertex,
  'google-vertex': BILLING.vertex,
};

export function isBedrockModel(model: string): boolean {
  return BEDROCK_MODEL.test(model.trim());
}

export function isVertexModel(model: string): boolean {
  return VERTEX_MODEL.test(model.trim());
}

/**
 * The billing source of a usage row. `provider` is already normalized (normalizeProvider);
 * `plan` is the person's known Claude plan (subscription users' Claude Code usage is not billed per
 * token). A model id that only a cloud issues wins over the provider's name: Claude Code on
 * Bedrock reports itself like any other Claude Code.
 */
export function billingSourceOf(provider: string, model: string, plan?: 'subscription' | 'api' | null): string {
  const alias = PROVIDER_ALIASES[provider];
  if (alias) return alias;
  if (provider === 'anthropic') {
    if (isBedrockModel(model)) return BILLING.bedrock;
    if (isVertexModel(model)) return BILLING.vertex;
    return plan === 'subscription' ? BILLING.subscription : BILLING.anthropicApi;
  }
  if (provider === 'openai') return BILLING.openaiApi;
  return provider;
}

/** the price-library provider for a billing source: clouds have their own price lists */
export function priceProviderOf(billingSource: string, provider: string): string {
  if (billingSource === BILLING.bedrock) return 'aws';
  if (billingSource === BILLING.vertex) return 'google';
  return provider;
}

/** How a billing source is named to people; subscription figures are list-price equivalents. */
export function billingSourceLabel(billingSource: string): string {
  switch (billingSource) {
    case BILLING.anthropicApi:
      return 'Anthropic API';
    case BILLING.openaiApi:
      return 'OpenAI API';
    case BILLING.bedrock:
      return 'Amazon Bedrock';
    case BILLING.vertex:
      return 'Google Vertex';
    case BILLING.subscription:
      return 'Claude subscription (API list-price equivalent)';
    default:
      return billingSource;
  }
}
