// Words of the edge pages (the page for an address that has none), in both languages; merged into
// the pages' catalogue in strings.ts.
export const edgesUi = {
  nfTitle: ['页面不存在', 'Page not found'],
  nfLead: ['这个地址没有对应的页面：', 'There is no page at this address:'],
  nfHint: [
    '请检查地址是否输入有误；扫码进入的，请重新扫描检查告知书上的二维码。',
    'Check the address for a typo; if you came by scanning, scan the QR code on the inspection notice again.',
  ],
  nfHome: ['返回首页', 'Go to the home page'],
} as const satisfies Record<string, readonly [string, string]>;
