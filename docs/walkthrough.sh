#!/usr/bin/env bash
# From an empty database to a verified, completed, rated filing, with curl: the README's
# walk-through. Every answer is checked, so the walk-through cannot drift from the service
# (a test runs it against a fresh server). Needs curl, node and GNU date.
#
#   rm -rf ./data && BOOTSTRAP_ADMIN_KEY=dev-admin-key-change-me-now npm start   # one terminal
#   bash docs/walkthrough.sh                                                    # another
#
# BASE (default http://localhost:3000) and ADMIN_KEY (default the key above) say where and who.
set -euo pipefail

BASE=${BASE:-http://localhost:3000}
API=$BASE/api/v1
ADMIN="Authorization: Bearer ${ADMIN_KEY:-dev-admin-key-change-me-now}"
JSON="Content-Type: application/json"
BODY=$(mktemp)
trap 'rm -f "$BODY"' EXIT

# call STATUS CURL-ARGS...: one request; prints its answer, stops the walk-through if the status differs
call() {
  local want=$1
  shift
  local got
  got=$(curl -s -o "$BODY" -w '%{http_code}' "$@")
  cat "$BODY"
  echo
  if [ "$got" != "$want" ]; then
    echo "walk-through stopped: expected HTTP $want, got $got from: curl $*" >&2
    exit 1
  fi
}
# field NAME: one field (a.b.c) of the last answer
field() { node -e 'const o=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(process.argv[2].split(".").reduce((v,k)=>v[k],o))' "$BODY" "$1"; }

echo "# 1. an agency with its published inspection items (admin)"
call 201 -X POST "$API/agencies" -H "$ADMIN" -H "$JSON" -d '{
  "code": "XF-SCJG", "name": "西丰县市场监督管理局", "region": "211223",
  "items": [{"code": "SCJG-001", "name": "食品生产经营许可条件检查", "basis": "《食品安全法》第一百一十条"}]
}'
AGENCY=$(field id)

echo "# 2. two certified inspectors of that agency, from the credential register"
call 201 -X POST "$API/agencies/$AGENCY/inspectors" -H "$ADMIN" -H "$JSON" \
  -d '{"name": "王伟", "credentialNo": "LN21122300001001", "validUntil": "2030-12-31"}'
I1=$(field id)
call 201 -X POST "$API/agencies/$AGENCY/inspectors" -H "$ADMIN" -H "$JSON" \
  -d '{"name": "李娜", "credentialNo": "LN21122300001002", "validUntil": "2030-12-31"}'
I2=$(field id)

echo "# 3. an enterprise, by its Unified Social Credit Code; a typo is refused with the character it should have been"
call 201 -X POST "$API/enterprises" -H "$ADMIN" -H "$JSON" \
  -d '{"uscc": "91211223MA0XYW123P", "name": "西丰县鹿鸣鹿业有限公司", "region": "211223", "riskClass": "B"}'
call 400 -X POST "$API/enterprises" -H "$ADMIN" -H "$JSON" -H "Accept-Language: en" \
  -d '{"uscc": "91211223MA0XYW1230", "name": "typo", "region": "211223"}'

echo "# 4. keys for the agency and for the enterprise (each key is shown once)"
call 201 -X POST "$API/keys" -H "$ADMIN" -H "$JSON" -d "{\"role\": \"agency\", \"name\": \"备案员\", \"agencyId\": \"$AGENCY\"}"
AGENCY_KEY="Authorization: Bearer $(field key)"
call 201 -X POST "$API/keys" -H "$ADMIN" -H "$JSON" -d '{"role": "enterprise", "name": "鹿鸣鹿业", "uscc": "91211223MA0XYW123P"}'
ENTERPRISE_KEY="Authorization: Bearer $(field key)"

echo "# 5. the agency checks, then files, an inspection the day after tomorrow"
START=$(date -u -d '+2 days' +%Y-%m-%dT01:00:00Z)
END=$(date -u -d '+2 days' +%Y-%m-%dT09:00:00Z)
FILING="{\"enterpriseUscc\": \"91211223MA0XYW123P\", \"type\": \"routine\", \"itemCodes\": [\"SCJG-001\"],
  \"inspectorIds\": [\"$I1\", \"$I2\"], \"plannedStart\": \"$START\", \"plannedEnd\": \"$END\"}"
# the decision is "warn": an on-site visit should say why a desk review is not enough
# (onSiteJustification); a warning files, a block does not
call 200 -X POST "$API/filings/check" -H "$AGENCY_KEY" -H "$JSON" -H "Accept-Language: en" -d "$FILING"
call 201 -X POST "$API/filings" -H "$AGENCY_KEY" -H "$JSON" -H "Idempotency-Key: walkthrough-1" -d "$FILING"
ID=$(field filing.id)
CODE=$(field filing.verifyCode)
# a filing with one inspector is blocked (422) and recorded as an attempt
call 422 -X POST "$API/filings" -H "$AGENCY_KEY" -H "$JSON" -H "Accept-Language: en" \
  -d "{\"enterpriseUscc\": \"91211223MA0XYW123P\", \"type\": \"routine\", \"itemCodes\": [\"SCJG-001\"],
       \"inspectorIds\": [\"$I1\"], \"plannedStart\": \"$START\", \"plannedEnd\": \"$END\"}"

echo "# 6. anyone verifies the code (credential numbers masked); the page and QR code the notice prints"
call 200 "$API/verify/$CODE"
call 200 "$BASE/v/$CODE" >/dev/null
echo "open $BASE/v/$CODE  (QR: $BASE/v/$CODE/qr.svg)"

echo "# 7. the enterprise confirms arrival (today is outside the filed window: recorded, and an outside_window violation raised)"
call 200 -X POST "$API/verify/$CODE/arrival" -H "$ENTERPRISE_KEY"

echo "# 8. the agency records the result (the visit came after the filing, so after filedAt); the enterprise sees it"
call 200 -X POST "$API/filings/$ID/result" -H "$AGENCY_KEY" -H "$JSON" \
  -d "{\"conductedAt\": \"$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)\", \"outcome\": \"no_issues\", \"summary\": \"未发现问题\"}"
call 200 "$API/filings?status=completed" -H "$ENTERPRISE_KEY"

echo "# 9. a case inspection cites a ground the county registered; cancelled before its start, its code no longer verifies"
call 201 -X POST "$API/grounds" -H "$ADMIN" -H "$JSON" \
  -d '{"kind": "complaint", "reference": "12345-2026-000311", "enterpriseUscc": "91211223MA0XYW123P"}'
call 201 -X POST "$API/filings" -H "$AGENCY_KEY" -H "$JSON" -d "{\"enterpriseUscc\": \"91211223MA0XYW123P\",
  \"type\": \"case\", \"reason\": \"12345 热线反映无证生产\", \"trigger\": {\"kind\": \"complaint\", \"reference\": \"12345-2026-000311\"},
  \"itemCodes\": [\"SCJG-001\"], \"inspectorIds\": [\"$I1\", \"$I2\"], \"plannedStart\": \"$START\", \"plannedEnd\": \"$END\",
  \"onSiteJustification\": \"需现场核实生产条件\"}"
CASE_ID=$(field filing.id)
CASE_CODE=$(field filing.verifyCode)
call 200 -X POST "$API/filings/$CASE_ID/cancel" -H "$AGENCY_KEY" -H "$JSON" -d '{"reason": "企业已整改，改为书面核查"}'
call 200 "$API/verify/$CASE_CODE" -H "Accept-Language: en"
[ "$(field valid)" = "false" ] || { echo "walk-through stopped: a cancelled filing's code still verifies" >&2; exit 1; }

echo "# 10. the enterprise reports a visit nobody filed (with its 12345 ticket), and rates the completed inspection"
call 201 -X POST "$API/reports" -H "$ENTERPRISE_KEY" -H "$JSON" -d "{\"kind\": \"unfiled_inspection\",
  \"occurredAt\": \"$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)\", \"agencyName\": \"某执法队\",
  \"description\": \"两人自称执法人员入企检查，未出示备案码\", \"hotline\": {\"line\": \"12345\", \"ticket\": \"LN-20261126-0042\"}}"
call 201 -X POST "$API/filings/$ID/feedback" -H "$ENTERPRISE_KEY" -H "$JSON" -d '{"rating": 5, "comment": "检查规范，未影响生产"}'

echo "# 11. a supervisor of the county lists what went wrong and works the report"
call 201 -X POST "$API/keys" -H "$ADMIN" -H "$JSON" -d '{"role": "supervisor", "name": "县督查室", "regions": ["211223"]}'
SUP_KEY="Authorization: Bearer $(field key)"
call 200 "$API/violations" -H "$SUP_KEY"
call 200 "$API/violations?kind=unfiled_inspection&source=report" -H "$SUP_KEY"
VIO=$(field items.0.id)
call 200 -X PATCH "$API/violations/$VIO" -H "$SUP_KEY" -H "$JSON" -d '{"status": "acknowledged", "note": "已受理，转县市场监管局核查"}'

echo "# 12. today's agency scorecard, as the nightly digest will rank it"
call 200 "$API/scorecards?from=$(date -u -d 'today -1 day' +%Y-%m-%dT16:00:00Z)&to=$(date -u -d 'today' +%Y-%m-%dT16:00:00Z)" -H "$SUP_KEY"

echo "walk-through complete: stop the service and check the audit trail with npm run cli -- audit verify"
