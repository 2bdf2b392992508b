// Words of the form pages, in both languages; merged into the pages' catalogue in strings.ts.
export const formUi = {
  // finding the enterprise
  formEnterpriseSearch: ['查找企业（名称或统一社会信用代码）', 'Find the enterprise (name or credit code)'],
  formEnterpriseSearchHint: [
    '输入名称中的几个字或代码的开头，从列表中选择；也可以直接填写下面的代码',
    'Type part of its name or the start of its code and pick it; or type the code below',
  ],
  formEnterpriseNone: ['本辖区没有名称或代码与之相符的企业', 'No enterprise of your jurisdiction matches'],
  formEnterpriseFound: ['找到 {n} 家企业', '{n} enterprises found'],
  formEnterpriseChosen: ['企业：{name}', 'Enterprise: {name}'],
  formEnterpriseUnregistered: ['这个代码没有登记的企业', 'No registered enterprise has this code'],
  // the decision's summary, at the bottom of a phone's screen
  formBarNone: ['规则校验：填写后自动显示', 'Rules’ decision: shown as you fill in'],
  formBarAllow: ['可以备案', 'Can be filed'],
  formBarWarn: ['可以备案 · {n} 条预警', 'Can be filed · {n} warnings'],
  formBarBlock: ['不能备案 · {n} 条禁止', 'Cannot be filed · {n} rules block it'],
  formBarInvalid: ['还有内容要修改', 'Some fields need correcting'],
  formBarJump: ['查看', 'See why'],
  // filing what the rules block
  formBlockedConfirm: [
    '此备案不符合规则，提交后将作为被阻止的尝试记入本机关的记录。仍然提交？',
    'This filing breaks the rules: if you submit it, it is recorded as a blocked attempt on your agency’s record. Submit anyway?',
  ],
  formBlockedYes: ['仍然提交', 'Submit anyway'],
  formBlockedNo: ['返回修改', 'Go back and fix it'],
  formBlockedGo: ['到页面底部确认或返回修改', 'Confirm or go back, at the bottom of the form'],
  formBlockedNote: [
    '当前校验结果为不能备案：提交前会再次确认。',
    'The rules block this filing as it stands: you will be asked to confirm before it is submitted.',
  ],
  // what happened, on the filing's page
  formDoneFiled: [
    '备案成功，备案号 {no}（核验码 {code}）。请打印检查告知书交给企业。',
    'Filed: number {no} (verification code {code}). Print the notice for the enterprise.',
  ],
  formDoneResult: ['已登记检查结果。', 'The result is recorded.'],
  formDoneCancelled: ['已撤销备案 {no}，核验码已失效。', 'Filing {no} is cancelled; its code no longer verifies.'],
  formDoneJointAccepted: ['已接受联合检查，此次检查计入本机关。', 'You accepted the joint visit; it counts for your agency.'],
  formDoneJointDeclined: ['已拒绝联合检查。', 'You declined the joint visit.'],
  // the filing's page
  formResultNotYet: ['检查开始（{at}）后才能登记检查结果。', 'The result can be recorded once the visit can have begun ({at}).'],
  formCancelConfirm: [
    '确定撤销备案 {no}？撤销后核验码失效，企业扫码会看到“已撤销”，不能再据此入企检查。',
    'Cancel filing {no}? Its code stops verifying: the enterprise sees it as cancelled, and no visit may rely on it.',
  ],
  formCancelGo: ['到页面底部确认', 'Confirm at the bottom of the page'],
  formCancelYes: ['确认撤销', 'Yes, cancel it'],
  formCancelNo: ['不撤销', 'Keep the filing'],
} as const satisfies Record<string, readonly [string, string]>;
