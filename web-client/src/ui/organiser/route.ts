import { useEffect, useState } from 'preact/hooks';

/**
 * The organiser pages live under `/organiser` and route by the hash, so the server serves one
 * page and the key never travels in a URL:
 * `#/` the topic list, `#/new` the create form, `#/topics/<id>` a topic, `#/topics/<id>/invite` its invitations.
 */
export type OrganiserRoute = { page: 'list' } | { page: 'new' } | { page: 'topic'; id: string; section?: 'invite' };

export function parseRoute(hash: string): OrganiserRoute {
  const path = hash.replace(/^#/, '');
  if (path === '/new') return { page: 'new' };
  const topic = /^\/topics\/([^/]+)(\/invite)?$/.exec(path);
  if (topic?.[1]) {
    const id = decodeURIComponent(topic[1]);
    return topic[2] ? { page: 'topic', id, section: 'invite' } : { page: 'topic', id };
  }
  return { page: 'list' };
}

export const href = {
  list: () => '#/',
  create: () => '#/new',
  topic: (id: string) => `#/topics/${encodeURIComponent(id)}`,
  invite: (id: string) => `#/topics/${encodeURIComponent(id)}/invite`,
};

export function navigate(to: string): void {
  location.hash = to;
}

/** The current route; follows the hash (links, back and forward). */
export function useRoute(): OrganiserRoute {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** True on the organiser pages (`/organiser`, with or without a trailing slash). */
export function isOrganiserPath(pathname: string): boolean {
  return /^\/organiser\/?$/.test(pathname);
}
