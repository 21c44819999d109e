import { randomUUID } from 'node:crypto';
import {
  createWebhook,
  type DeliveryStatus,
  deleteWebhook,
  enableWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  reviveDelivery,
  type StoredWebhook,
} from '@embedq/store';
import {
  hostOf,
  newWebhookSecret,
  parseWebhookUrl,
  resolveWebhookAddresses,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_LIMITS,
  WebhookAddressError,
} from '@embedq/webhooks';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { AppDeps } from '../app-deps.js';
import { allowedNamespaces, namespaceFor } from '../auth/namespace-scope.js';
import { isUuid } from '../is-uuid.js';
import {
  BODY_ERRORS,
  errorResponses,
  V1_ERRORS,
  WEBHOOK_CREATED_RESPONSE,
  WEBHOOK_DELIVERIES_RESPONSE,
  WEBHOOK_DELIVERY_RETRIED_RESPONSE,
  WEBHOOK_LIST_RESPONSE,
  WEBHOOK_RESPONSE,
} from '../response-schemas.js';
import { NAMESPACE_SCHEMA } from '../schemas.js';
import { checkString } from '../text-checks.js';

interface PostWebhookBody {
  url: string;
  events: string[];
  namespace?: string;
  description?: string;
}

const ID_PARAMS = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;
const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed'];
const DEFAULT_DELIVERIES = 50;
const MAX_DELIVERIES = 500;

/** Register, list and remove webhooks; read a webhook's delivery log. */
export function webhookRoutes(app: FastifyInstance, deps: AppDeps): void {
  const policy = deps.config.webhooks;

  app.post<{ Body: PostWebhookBody }>(
    '/v1/webhooks',
    {
      schema: {
        summary: 'Register a webhook',
        description: `Deliveries of the events named follow the Standard Webhooks specification (webhook-id, webhook-timestamp, webhook-signature headers; HMAC-SHA256 with the secret answered here, shown once). The URL must be https and resolve to public addresses only (unless the deployment sets WEBHOOK_ALLOW_PRIVATE=true); at most ${WEBHOOK_LIMITS.perNamespace} webhooks per namespace.`,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['url', 'events'],
          properties: {
            url: { type: 'string', minLength: 1, maxLength: WEBHOOK_LIMITS.urlLength },
            events: {
              type: 'array',
              minItems: 1,
              uniqueItems: true,
              items: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] },
            },
            namespace: NAMESPACE_SCHEMA,
            description: { type: 'string', maxLength: WEBHOOK_LIMITS.descriptionLength },
          },
        },
        response: {
          201: WEBHOOK_CREATED_RESPONSE,
          ...errorResponses(...V1_ERRORS, ...BODY_ERRORS, 422),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const namespace = namespaceFor(request.principal, body.namespace);
      checkString(body.url, 'body.url');
      if (body.description !== undefined) checkString(body.description, 'body.description');
      const parsed = parseWebhookUrl(body.url, policy);
      if ('problem' in parsed) throw new ApiError('invalid_webhook_url', `body.url: ${parsed.problem}`);
      try {
        await resolveWebhookAddresses(hostOf(parsed.url), policy);
      } catch (error) {
        if (error instanceof WebhookAddressError) {
          throw new ApiError('invalid_webhook_url', `body.url: ${error.message}`);
        }
        throw error;
      }
      const secret = newWebhookSecret();
      const created = await createWebhook(
        deps.pool,
        {
          id: randomUUID(),
          namespace,
          url: body.url,
          events: body.events,
          description: body.description,
          secret,
        },
        WEBHOOK_LIMITS.perNamespace,
      );
      if (created === 'limit') {
        throw new ApiError(
          'too_many_webhooks',
          `namespace '${namespace}' has ${WEBHOOK_LIMITS.perNamespace} webhooks, the most it may; delete one first`,
        );
      }
      request.log.info({ webhookId: created.id, namespace, events: created.events }, 'webhook registered');
      reply.code(201).header('Location', `/v1/webhooks/${created.id}`);
      return { ...webhookBody(created), secret };
    },
  );

  app.get<{ Querystring: { namespace?: string } }>(
    '/v1/webhooks',
    {
      schema: {
        summary: "List the key's webhooks",
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { namespace: NAMESPACE_SCHEMA },
        },
        response: { 200: WEBHOOK_LIST_RESPONSE, ...errorResponses(...V1_ERRORS) },
      },
    },
    async (request) => {
      const namespaces =
        request.query.namespace === undefined
          ? allowedNamespaces(request.principal)
          : [namespaceFor(request.principal, request.query.namespace)];
      return { webhooks: (await listWebhooks(deps.pool, namespaces)).map(webhookBody) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/webhooks/:id',
    {
      schema: {
        summary: 'A webhook',
        params: ID_PARAMS,
        response: { 200: WEBHOOK_RESPONSE, ...errorResponses(...V1_ERRORS, 404) },
      },
    },
    async (request) => webhookBody(await findWebhook(request.params.id, request.principal)),
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/webhooks/:id',
    {
      schema: {
        summary: 'Remove a webhook and its delivery log',
        description: 'Attempts still due are not made.',
        params: ID_PARAMS,
        response: {
          204: { description: 'Removed', type: 'null' },
          ...errorResponses(...V1_ERRORS, ...BODY_ERRORS, 404),
        },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      if (!isUuid(id) || !(await deleteWebhook(deps.pool, id, allowedNamespaces(request.principal)))) {
        throw notFound(id);
      }
      request.log.info({ webhookId: id }, 'webhook removed');
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit?: string; status?: DeliveryStatus } }>(
    '/v1/webhooks/:id/deliveries',
    {
      schema: {
        summary: "A webhook's delivery log, newest first",
        params: ID_PARAMS,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: {
              type: 'string',
              pattern: '^[0-9]{1,4}$',
              description: `Deliveries in the answer, 1 to ${MAX_DELIVERIES}; default ${DEFAULT_DELIVERIES}.`,
            },
            status: { type: 'string', enum: [...DELIVERY_STATUSES] },
          },
        },
        response: { 200: WEBHOOK_DELIVERIES_RESPONSE, ...errorResponses(...V1_ERRORS, 404) },
      },
    },
    async (request) => {
      // Query strings are not coerced (coerceTypes is off): the limit arrives as digits.
      const limit = request.query.limit === undefined ? DEFAULT_DELIVERIES : Number(request.query.limit);
      if (limit < 1 || limit > MAX_DELIVERIES) {
        throw new ApiError(
          'validation_failed',
          `querystring.limit must be from 1 to ${MAX_DELIVERIES}, got ${limit}`,
        );
      }
      const webhook = await findWebhook(request.params.id, request.principal);
      const deliveries = await listWebhookDeliveries(deps.pool, webhook.id, {
        limit,
        status: request.query.status,
      });
      return { deliveries };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/webhooks/:id/enable',
    {
      schema: {
        summary: 'Enable a webhook again after it was disabled',
        description:
          'Deliveries given up while it was disabled stay failed; send them again one by one (POST .../deliveries/:deliveryId/retry).',
        params: ID_PARAMS,
        response: { 200: WEBHOOK_RESPONSE, ...errorResponses(...V1_ERRORS, ...BODY_ERRORS, 404) },
      },
    },
    async (request) => {
      const id = request.params.id;
      const webhook = isUuid(id)
        ? await enableWebhook(deps.pool, id, allowedNamespaces(request.principal))
        : undefined;
      if (webhook === undefined) throw notFound(id);
      request.log.info({ webhookId: id }, 'webhook enabled');
      return webhookBody(webhook);
    },
  );

  app.post<{ Params: { id: string; deliveryId: string } }>(
    '/v1/webhooks/:id/deliveries/:deliveryId/retry',
    {
      schema: {
        summary: 'Send a given-up delivery again',
        description:
          'The delivery becomes pending with its webhook-id and body, its next attempt due now; if that attempt fails, the retry schedule goes on from where the delivery left it (after the last attempt it is given up again).',
        params: {
          type: 'object',
          required: ['id', 'deliveryId'],
          properties: {
            id: { type: 'string', maxLength: 64 },
            deliveryId: { type: 'string', maxLength: 64 },
          },
        },
        response: {
          202: WEBHOOK_DELIVERY_RETRIED_RESPONSE,
          ...errorResponses(...V1_ERRORS, ...BODY_ERRORS, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const webhook = await findWebhook(request.params.id, request.principal);
      const deliveryId = request.params.deliveryId;
      const [delivery] = await listWebhookDeliveries(deps.pool, webhook.id, { limit: 1, deliveryId });
      if (delivery === undefined) {
        throw new ApiError('not_found', `webhook '${webhook.id}' has no delivery '${deliveryId}'`);
      }
      const attempt = await reviveDelivery(deps.pool, webhook.id, deliveryId);
      if (attempt === undefined) {
        throw new ApiError(
          'delivery_not_retryable',
          webhook.disabledAt !== null
            ? `webhook '${webhook.id}' is disabled: enable it first (POST /v1/webhooks/${webhook.id}/enable)`
            : `delivery '${deliveryId}' is ${delivery.status}; only a failed one is sent again`,
        );
      }
      await deps.webhooks.enqueueAttempt({ deliveryId, attempt }, 0);
      const [pending] = await listWebhookDeliveries(deps.pool, webhook.id, { limit: 1, deliveryId });
      request.log.info({ webhookId: webhook.id, deliveryId, attempt }, 'webhook delivery sent again');
      return reply.code(202).send(pending);
    },
  );

  async function findWebhook(id: string, principal: Parameters<typeof allowedNamespaces>[0]) {
    const webhook = isUuid(id) ? await getWebhook(deps.pool, id, allowedNamespaces(principal)) : undefined;
    if (webhook === undefined) throw notFound(id);
    return webhook;
  }
}

function notFound(id: string): ApiError {
  return new ApiError('not_found', `no webhook '${id}' in the key's namespaces`);
}

function webhookBody(webhook: StoredWebhook) {
  return {
    id: webhook.id,
    namespace: webhook.namespace,
    url: webhook.url,
    events: webhook.events,
    description: webhook.description,
    enabled: webhook.disabledAt === null,
    createdAt: webhook.createdAt,
    lastSuccessAt: webhook.lastSuccessAt,
    disabledAt: webhook.disabledAt,
    disabledReason: webhook.disabledReason,
  };
}
