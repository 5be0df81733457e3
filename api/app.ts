// The Fastify application as a plugin-composed instance with no listen():
// server.ts adds the network, tests call app.inject().
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Client } from '@temporalio/client';
import type { Database } from '../db/client';
import { HttpError } from './errors';
import { healthRoutes } from './routes/health';
import { systemRoutes } from './routes/system';

export interface AppDeps {
  db: Database;
  temporal: Client;
  namespace: string;
  taskQueue: string;
  logLevel?: string;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logLevel && deps.logLevel !== 'silent' ? { level: deps.logLevel } : false,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(swagger, {
    openapi: { info: { title: 'duban 督办 API', version: '0.1.0', description: '乡镇社会治理和应急管理督办系统' } },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler((error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((v) => `${v.instancePath || '(body)'} ${v.message}`).join('; ');
      return reply.status(400).send({ error: 'validation_failed', message: `请求参数有误: ${details}` });
    }
    if (error instanceof HttpError) {
      return reply.status(error.statusCode).send({ error: error.code, message: error.message });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.status(status).send({ error: 'bad_request', message: (error as Error).message });
    }
    // Internal details go to the log only, never to the client.
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: 'internal', message: '服务器内部错误，请稍后重试 (internal error)' });
  });

  await app.register(healthRoutes(deps), { prefix: '/api' });
  await app.register(systemRoutes(deps), { prefix: '/api/system' });
  await app.register(fastifyStatic, { root: webRoot(), index: 'index.html' });
  return app;
}

/** The built web UI when present (web/dist), else the static status page. */
function webRoot(): string {
  const built = fileURLToPath(new URL('../web/dist', import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL('../web/public', import.meta.url));
}
