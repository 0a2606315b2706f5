import { type ShopifyInstallResult } from './shopify-install.controller';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

/** Renders the page a merchant's browser shows after the install callback succeeded. */
export function renderShopifyConnectedPage(result: ShopifyInstallResult): string {
  const name = escapeHtml(result.storeName ?? result.shopDomain);
  const problems = [
    ...result.test.checks
      .filter((check) => !check.ok)
      .map((check) => `${check.name}: ${check.message}`),
    ...result.webhookErrors.map((error) => `webhook ${error.topic}: ${error.message}`),
  ];
  const problemList =
    problems.length === 0
      ? '<p>Orders, refunds and payouts now sync to QuickBooks. You can close this page.</p>'
      : `<p>The shop is connected, but these need attention:</p><ul>${problems
          .map((problem) => `<li>${escapeHtml(problem)}</li>`)
          .join('')}</ul>`;

  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Shopify shop connected</title></head>',
    `<body><h1>${name} is connected</h1>`,
    `<p>Shop ${escapeHtml(result.shopDomain)}, connection ${escapeHtml(result.connectionId)}.</p>`,
    problemList,
    '</body></html>',
  ].join('\n');
}
