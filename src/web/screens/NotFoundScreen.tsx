import { paths } from '../router/routes';
import { useTitle } from '../ui/use-title';

export function NotFoundScreen({ path }: { readonly path: string }) {
  useTitle('Not found');
  return (
    <div className="screen">
      <h1>No such page</h1>
      <p>
        Nothing lives at <code>{path}</code>. Go to the <a href={paths.overview()}>overview</a>.
      </p>
    </div>
  );
}
