// Words of the notice pages, in both languages; merged into the pages' catalogue in strings.ts.
export const noticeUi = {
  // punctuation differs: a full-width colon and space in Chinese
  ntcColon: ['：', ': '],
  ntcGap: ['　', ' · '],
  ntcEnterprise: ['被检查单位', 'Enterprise inspected'],
  ntcUscc: ['统一社会信用代码', 'Unified social credit code'],
  ntcWindowTo: ['至', 'to'],
  ntcOfficerSign: ['检查人员签名', 'Signature'],
  ntcRevoked: ['（证件已注销）', '(credential revoked)'],
  ntcMasked: [
    '执法证号部分隐藏；执法主体打印交给企业的告知书载有完整证号。',
    'Credential numbers are partly hidden here; the notice the agency prints and hands over carries them in full.',
  ],
  ntcContact: ['执法主体联系方式', 'Contact the agency'],
  ntcAddress: ['地址', 'Address'],
  ntcPhone: ['电话', 'Telephone'],
  ntcSeal: ['执法主体（盖章）', 'Agency (seal)'],
  ntcSealArea: ['盖章处', 'seal here'],
  ntcReceipt: ['被检查单位签收', 'Received by the enterprise'],
  ntcReceiptDate: ['签收日期', 'Date received'],
  ntcDateBlank: ['　　　　年　　月　　日', '____ / ____ / ________'],
  ntcPublicUrlTitle: ['二维码无法使用', 'The QR code on this notice will not work'],
  ntcPublicUrl: [
    '本告知书上的二维码和核验地址指向 {url}，这是服务器本机的地址，企业的手机无法打开。' +
      '请系统管理员将环境变量 PUBLIC_URL 设置为对外访问地址并重新启动服务后，再打印告知书。',
    'The QR code and the address on this notice point at {url}, an address of the server itself, which no ' +
      "enterprise's phone can open. The operator must set PUBLIC_URL to the address people reach this service at " +
      'and restart it before notices are printed.',
  ],
} as const satisfies Record<string, readonly [string, string]>;
