// Markdown as React elements (parse.ts reads it): every piece of text is a text node,
// so React escapes it; no HTML from the document reaches the page.
import { useMemo, type ReactNode } from 'react';
import { parseMarkdown, type Block, type Inline } from './parse';

/**
 * `headingOffset` moves the document's headings down, so that its `#` title sits under
 * the screen's own h1 (1: `#` becomes h2).
 */
export function Markdown(props: { readonly markdown: string; readonly headingOffset?: number }) {
  const blocks = useMemo(() => parseMarkdown(props.markdown), [props.markdown]);
  return <div className="markdown">{renderBlocks(blocks, props.headingOffset ?? 0)}</div>;
}

function renderBlocks(blocks: readonly Block[], offset: number): ReactNode[] {
  return blocks.map((block, index) => renderBlock(block, offset, index));
}

function renderBlock(block: Block, offset: number, key: number): ReactNode {
  switch (block.type) {
    case 'heading': {
      const level = Math.min(6, block.level + offset);
      const Tag = `h${String(level)}` as 'h1' | 'h2' | 'h3' | 'h4' | 'h5' | 'h6';
      return <Tag key={key}>{renderInline(block.children)}</Tag>;
    }
    case 'paragraph':
      return <p key={key}>{renderInline(block.children)}</p>;
    case 'code':
      return (
        <pre key={key} data-lang={block.lang === '' ? undefined : block.lang}>
          <code>{block.text}</code>
        </pre>
      );
    case 'list': {
      const items = block.items.map((item, index) => (
        <li key={index}>
          {/* A tight item is its paragraph alone: no <p> around it. */}
          {item.length === 1 && item[0]?.type === 'paragraph'
            ? renderInline(item[0].children)
            : renderBlocks(item, offset)}
        </li>
      ));
      return block.ordered ? (
        <ol key={key} start={block.start === 1 ? undefined : block.start}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
    case 'table':
      return (
        <div key={key} className="markdown-table">
          <table>
            <thead>
              <tr>
                {block.header.map((cell, column) => (
                  <th key={column} scope="col" style={alignOf(block.align[column])}>
                    {renderInline(cell)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {block.rows.map((row, index) => (
                <tr key={index}>
                  {row.map((cell, column) => (
                    <td key={column} style={alignOf(block.align[column])}>
                      {renderInline(cell)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    case 'quote':
      return <blockquote key={key}>{renderBlocks(block.children, offset)}</blockquote>;
    case 'rule':
      return <hr key={key} />;
  }
}

function alignOf(align: 'left' | 'center' | 'right' | null | undefined) {
  return align === null || align === undefined ? undefined : { textAlign: align };
}

function renderInline(nodes: readonly Inline[]): ReactNode[] {
  return nodes.map((node, index) => {
    switch (node.type) {
      case 'text':
        return node.text;
      case 'code':
        return <code key={index}>{node.text}</code>;
      case 'strong':
        return <strong key={index}>{renderInline(node.children)}</strong>;
      case 'em':
        return <em key={index}>{renderInline(node.children)}</em>;
      case 'span':
        return <span key={index}>{renderInline(node.children)}</span>;
      case 'break':
        return <br key={index} />;
      case 'link':
        return node.href.startsWith('/') || node.href.startsWith('#') ? (
          <a key={index} href={node.href}>
            {renderInline(node.children)}
          </a>
        ) : (
          <a key={index} href={node.href} rel="noreferrer noopener" target="_blank">
            {renderInline(node.children)}
          </a>
        );
    }
  });
}
