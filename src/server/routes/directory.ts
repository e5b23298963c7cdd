// Teams, users and API tokens.
import { z } from 'zod';
import type { AppDependencies } from '../../app/ports/slo-catalog.js';
import { deleteTeam, getTeam, listTeams, putTeam } from '../../app/teams.js';
import { createToken, listTokens, revokeToken } from '../../app/tokens.js';
import { deleteUser, getUser, listUsers, putUser } from '../../app/users.js';
import {
  createdTokenSchema,
  nameParamsSchema,
  teamInputSchema,
  teamSchema,
  tokenInputSchema,
  tokenSchema,
  userInputSchema,
  userSchema,
} from '../../schema/api.js';
import { defineRoute, type RouteDefinition } from '../route.js';
import { teamView, tokenView, userView } from './representations.js';

const READ_PROBLEMS = [401, 403, 404];
const WRITE_PROBLEMS = [400, 401, 403, 404, 409];

export function directoryRoutes(deps: AppDependencies): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/teams',
      summary: 'List teams',
      tags: ['teams'],
      auth: 'token',
      response: z.array(teamSchema),
      problems: READ_PROBLEMS,
      handler: async ({ principal }) => (await listTeams(deps, principal)).map(teamView),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/teams',
      summary: 'Create a team (admin)',
      tags: ['teams'],
      auth: 'token',
      body: teamInputSchema,
      status: 201,
      response: teamSchema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, body }) =>
        teamView((await putTeam(deps, principal, body, 'create')).team),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/teams/:name',
      summary: 'Get a team',
      tags: ['teams'],
      auth: 'token',
      params: nameParamsSchema,
      response: teamSchema,
      problems: READ_PROBLEMS,
      handler: async ({ principal, params }) =>
        teamView(await getTeam(deps, principal, params.name)),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/teams/:name',
      summary: 'Create or update a team (admin)',
      tags: ['teams'],
      auth: 'token',
      params: nameParamsSchema,
      body: teamInputSchema.omit({ name: true }),
      response: teamSchema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params, body }) =>
        teamView((await putTeam(deps, principal, { ...body, name: params.name }, 'upsert')).team),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/teams/:name',
      summary: 'Delete a team that owns no services (admin)',
      tags: ['teams'],
      auth: 'token',
      params: nameParamsSchema,
      status: 204,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params }) => {
        await deleteTeam(deps, principal, params.name);
      },
    }),

    defineRoute({
      method: 'GET',
      url: '/api/v1/users',
      summary: 'List users',
      tags: ['users'],
      auth: 'token',
      response: z.array(userSchema),
      problems: READ_PROBLEMS,
      handler: async ({ principal }) => (await listUsers(deps, principal)).map(userView),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/users',
      summary: 'Create a user (admin)',
      tags: ['users'],
      auth: 'token',
      body: userInputSchema,
      status: 201,
      response: userSchema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, body }) =>
        userView((await putUser(deps, principal, body, 'create')).user),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/users/:name',
      summary: 'Get a user',
      tags: ['users'],
      auth: 'token',
      params: nameParamsSchema,
      response: userSchema,
      problems: READ_PROBLEMS,
      handler: async ({ principal, params }) =>
        userView(await getUser(deps, principal, params.name)),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/users/:name',
      summary: 'Create or update a user (admin)',
      tags: ['users'],
      auth: 'token',
      params: nameParamsSchema,
      body: userInputSchema.omit({ name: true }),
      response: userSchema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params, body }) =>
        userView((await putUser(deps, principal, { ...body, name: params.name }, 'upsert')).user),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/users/:name',
      summary: 'Delete a user (admin)',
      tags: ['users'],
      auth: 'token',
      params: nameParamsSchema,
      status: 204,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params }) => {
        await deleteUser(deps, principal, params.name);
      },
    }),

    defineRoute({
      method: 'GET',
      url: '/api/v1/tokens',
      summary: 'List API tokens, without their secrets (admin)',
      tags: ['tokens'],
      auth: 'token',
      response: z.array(tokenSchema),
      problems: READ_PROBLEMS,
      handler: async ({ principal }) => (await listTokens(deps, principal)).map(tokenView),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/tokens',
      summary: 'Create an API token; the answer is the only time its secret is shown (admin)',
      tags: ['tokens'],
      auth: 'token',
      body: tokenInputSchema,
      status: 201,
      response: createdTokenSchema,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, body }) => {
        const { token, secret } = await createToken(deps, principal, body);
        return { ...tokenView(token), token: secret };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/tokens/:id',
      summary: 'Revoke an API token (admin)',
      tags: ['tokens'],
      auth: 'token',
      params: z.object({ id: z.string() }),
      status: 204,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params }) => {
        await revokeToken(deps, principal, params.id);
      },
    }),
  ];
}
