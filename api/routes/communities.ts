import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { COMMUNITY_TAG_CODES, COMMUNITY_TAGS } from '../../domain';
import { actorOf, currentUser, requireAuth, allow } from '../plugins/auth';
import { communityRow, communityTag } from '../contract';
import type { CommunityService } from '../services/community-service';
import { authErrors, errorBody, idParams } from './schemas';

const latLon = z.object({
  lat: z
    .number('请填写纬度（数字） (lat must be a number)')
    .min(-90, '纬度应在 -90 到 90 之间 (lat out of range)')
    .max(90, '纬度应在 -90 到 90 之间 (lat out of range)'),
  lon: z
    .number('请填写经度（数字） (lon must be a number)')
    .min(-180, '经度应在 -180 到 180 之间 (lon out of range)')
    .max(180, '经度应在 -180 到 180 之间 (lon out of range)'),
});

/** Communities in the caller's scope (ADMIN and POLITICAL_LEGAL: the whole township). */
export const communityRoutes =
  (service: CommunityService): FastifyPluginAsync =>
  async (app) => {
    app.addHook('onRequest', requireAuth);
    const typed = app.withTypeProvider<ZodTypeProvider>();
    typed.get(
      '/',
      {
        schema: {
          summary: 'Communities the caller may see',
          tags: ['admin'],
          response: {
            200: z.array(communityRow),
            ...authErrors,
          },
        },
      },
      async (request) => service.list(currentUser(request)),
    );

    typed.get(
      '/tags',
      {
        schema: {
          summary: 'The closed list of community tags, with Chinese labels',
          tags: ['admin'],
          response: { 200: z.array(communityTag), ...authErrors },
        },
      },
      async () => service.tags(),
    );

    typed.put(
      '/:id/tags',
      {
        onRequest: allow('communities.manage'),
        schema: {
          summary: "Set a community's tags (admin); rules with appliesToTags apply from the next planned period; audited",
          tags: ['admin'],
          params: idParams,
          body: z.object({
            tags: z
              .array(
                z.enum(
                  COMMUNITY_TAG_CODES,
                  `社区特征只能是：${Object.entries(COMMUNITY_TAGS)
                    .map(([code, label]) => `${code}（${label}）`)
                    .join('、')}`,
                ),
              )
              .max(COMMUNITY_TAG_CODES.length),
          }),
          response: { 200: z.object({ tags: z.array(z.string()) }), 400: errorBody, 404: errorBody, ...authErrors },
        },
      },
      async (request) => service.setTags(currentUser(request), request.params.id, request.body.tags, actorOf(request)),
    );

    typed.put(
      '/:id/location',
      {
        onRequest: allow('communities.manage'),
        schema: {
          summary:
            "Set (or clear with null) where a community office is, WGS-84 degrees (admin); the review page shows each photo's distance from it; audited",
          tags: ['admin'],
          params: idParams,
          body: z.object({ location: latLon.nullable() }),
          response: { 200: z.object({ location: latLon.nullable() }), 400: errorBody, 404: errorBody, ...authErrors },
        },
      },
      async (request) => service.setLocation(currentUser(request), request.params.id, request.body.location, actorOf(request)),
    );
  };
