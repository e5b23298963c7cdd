// Teams, users and API tokens.
import { z } from 'zod';
import type { AppDependencies } from '../../app/ports/slo-catalog.js';
import type { Principal } from '../../app/principal.js';
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
import { defineRoute, READ_PROBLEMS, WRITE_PROBLEMS, type RouteDefinition } from '../route.js';
import { teamView, tokenView, userView } from './representations.js';

/** What the admin-managed named resources (teams, users) have in common. */
interface NamedResource<Input extends { name: string }, Record> {
  readonly plural: 'teams' | 'users';
  readonly noun: string;
  readonly input: z.ZodObject;
  readonly output: z.ZodType;
  readonly list: (deps: AppDependencies, principal: Principal) => Promise<Record[]>;
  readonly get: (deps: AppDependencies, principal: Principal, name: string) => Promise<Record>;
  readonly put: (
    deps: AppDependencies,
    principal: Principal,
    input: Input,
    mode: 'create' | 'upsert',
  ) => Promise<Record>;
  readonly remove: (deps: AppDependencies, principal: Principal, name: string) => Promise<void>;
  readonly view: (record: Record) => unknown;
}

function namedResourceRoutes<Input extends { name: string }, Record>(
  deps: AppDependencies,
  resource: NamedResource<Input, Record>,
): RouteDefinition[] {
  const { plural, noun, input, output, view } = resource;
  const base = `/api/v1/${plural}`;
  return [
    defineRoute({
      method: 'GET',
      url: base,
      summary: `List ${plural}`,
      tags: [plural],
      auth: 'token',
      response: z.array(output),
      problems: READ_PROBLEMS,
      handler: async ({ principal }) => (await resource.list(deps, principal)).map(view),
    }),
    defineRoute({
      method: 'POST',
      url: base,
      summary: `Create a ${noun} (admin)`,
      tags: [plural],
      auth: 'token',
      body: input,
      status: 201,
      response: output,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, body }) =>
        view(await resource.put(deps, principal, body as Input, 'create')),
    }),
    defineRoute({
      method: 'GET',
      url: `${base}/:name`,
      summary: `Get a ${noun}`,
      tags: [plural],
      auth: 'token',
      params: nameParamsSchema,
      response: output,
      problems: READ_PROBLEMS,
      handler: async ({ principal, params }) =>
        view(await resource.get(deps, principal, params.name)),
    }),
    defineRoute({
      method: 'PUT',
      url: `${base}/:name`,
      summary: `Create or update a ${noun} (admin)`,
      tags: [plural],
      auth: 'token',
      params: nameParamsSchema,
      body: input.omit({ name: true }),
      response: output,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params, body }) =>
        view(
          await resource.put(
            deps,
            principal,
            { ...(body as object), name: params.name } as Input,
            'upsert',
          ),
        ),
    }),
    defineRoute({
      method: 'DELETE',
      url: `${base}/:name`,
      summary: `Delete a ${noun} (admin)`,
      tags: [plural],
      auth: 'token',
      params: nameParamsSchema,
      status: 204,
      problems: WRITE_PROBLEMS,
      handler: async ({ principal, params }) => {
        await resource.remove(deps, principal, params.name);
      },
    }),
  ];
}

export function directoryRoutes(deps: AppDependencies): RouteDefinition[] {
  return [
    ...namedResourceRoutes(deps, {
      plural: 'teams',
      noun: 'team',
      input: teamInputSchema,
      output: teamSchema,
      list: listTeams,
      get: getTeam,
      put: async (...args: Parameters<typeof putTeam>) => (await putTeam(...args)).team,
      remove: deleteTeam,
      view: teamView,
    }),
    ...namedResourceRoutes(deps, {
      plural: 'users',
      noun: 'user',
      input: userInputSchema,
      output: userSchema,
      list: listUsers,
      get: getUser,
      put: async (...args: Parameters<typeof putUser>) => (await putUser(...args)).user,
      remove: deleteUser,
      view: userView,
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
