// Words of the accounts pages, in both languages; merged into the pages' catalogue in strings.ts.
export const accountsUi = {
  accPasswordWay: ['用统一社会信用代码和密码登录', 'Sign in with your credit code and password'],
  accLoginLabel: ['统一社会信用代码或登录名', 'Credit code or login name'],
  accLoginHint: [
    '企业填写 18 位统一社会信用代码；工作人员填写管理员给出的登录名',
    'Enterprises: the 18-character Unified Social Credit Code; staff: the login name from your administrator',
  ],
  accPasswordLabel: ['密码', 'Password'],
  accRemember: ['在此设备上保持登录 30 天', 'Keep me signed in on this device for 30 days'],
  accRememberHint: ['公用电脑上请勿勾选', 'Leave unticked on a shared computer'],
  accKeyWay: ['使用接口密钥登录', 'Sign in with an access key'],
  accKeyWayHint: ['供系统对接和尚未激活账号的工作人员使用', 'For connected systems, and staff without an activated account'],
  accNoAccount: ['还没有密码？', 'No password yet?'],
  accActivateLink: ['用激活码设置密码', 'Set one with your activation code'],
  accPasswordMissing: ['请填写统一社会信用代码（或登录名）和密码。', 'Enter your credit code (or login name) and password.'],
  accPasswordWrong: [
    '统一社会信用代码（或登录名）与密码不匹配，或账号尚未激活。',
    'The credit code (or login name) and password do not match, or the account is not activated yet.',
  ],
  accActivateTitle: ['激活账号', 'Activate your account'],
  accActivateIntro: [
    '用监管部门或管理员发给您的激活码设置密码。激活码 7 天内有效，只能使用一次；再次激活即重设密码。',
    'Set your password with the activation code you were given. Codes last 7 days and work once; a new code resets the password.',
  ],
  accCodeLabel: ['激活码', 'Activation code'],
  accCodeHint: [
    '12 位字母和数字，如 ACDE-FGHJ-KMNP；不区分大小写，短横线可省略',
    '12 letters and digits, e.g. ACDE-FGHJ-KMNP; any case, dashes optional',
  ],
  accNewPassword: ['新密码', 'New password'],
  accNewPasswordHint: [
    '至少 8 个字符，不能全是同一个字符，不能是统一社会信用代码',
    'At least 8 characters, not one character repeated, not the credit code',
  ],
  accNewPassword2: ['再次输入新密码', 'New password again'],
  accActivate: ['设置密码并登录', 'Set password and sign in'],
  accMismatch: ['两次输入的新密码不一致。', 'The two passwords differ.'],
  accActivateMissing: ['请填写每一项。', 'Fill in every field.'],
  accActivated: ['密码已设置，您已登录。', 'Your password is set and you are signed in.'],
  accAccountTitle: ['我的账号', 'My account'],
  accSignedInAs: ['当前登录：{name}（{role}）', 'Signed in as {name} ({role})'],
  accLogin: ['登录名', 'Login'],
  accRemembered: ['此设备已保持登录，至 {until}', 'This device stays signed in until {until}'],
  accEverywhereText: [
    '手机丢失或在他人电脑上登录过？退出所有设备会结束本账号在所有设备上的登录，包括保持登录的设备。',
    'Lost a phone or signed in on someone else’s computer? This ends every sign-in of your account, remembered devices included.',
  ],
  accSignOutEverywhere: ['退出所有设备', 'Sign out on every device'],
  accSignedOutEverywhere: ['已退出所有设备。', 'Signed out on every device.'],
  accNoAccountYet: [
    '您用接口密钥登录，尚未设置密码；如需密码登录，请向管理员申请激活码。',
    'You signed in with a key; ask your administrator for an activation code to use a password.',
  ],
  accArriveSignIn: ['登录后确认到达', 'Sign in to confirm arrival'],
  accArriveHint: [
    '本企业登录后，一次点击即可确认检查人员已到达。',
    'Once signed in as this enterprise, one tap confirms the inspectors arrived.',
  ],
  accCodeTyped: ['您输入的核验码：', 'The code you entered: '],
  accTypoHint: [
    '请先核对核验码是否输入有误（如 0 与 O、1 与 I、5 与 S），或直接扫描检查告知书上的二维码。',
    'First check the code for typing mistakes (0 and O, 1 and I, 5 and S), or scan the QR code on the inspection notice.',
  ],
  accCodeChars: [
    '核验码只含字母、数字和短横线；请对照检查告知书重新输入，或直接扫描告知书上的二维码。',
    'A verification code has only letters, digits and dashes; type it again from the notice, or scan its QR code.',
  ],
  accCodeLength: [
    '核验码为 {want} 位，您输入了 {got} 位（短横线和空格不计）。',
    'A code has {want} characters; you entered {got} (not counting dashes and spaces).',
  ],
  accCodeStrange: [
    '核验码中不会出现“{chars}”（为免混淆，不用 0、O、1、I），请核对这几位。',
    'Codes never contain “{chars}” (0, O, 1 and I are left out to avoid mix-ups); check those characters.',
  ],
  accTryAgain: ['重新输入核验码', 'Enter the code again'],
  accStillReport: ['核对无误仍查不到？检查可能未经备案：', 'Checked and still not found? The visit may not be filed:'],
} as const satisfies Record<string, readonly [string, string]>;
