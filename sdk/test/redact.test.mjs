// Redaction in the browser: detector tables (positives with exact spans, negatives), the
// session vault, URLs and selectors.
import assert from "node:assert/strict";
import { test } from "node:test";
import { findAll } from "../src/detect/index.js";
import { Vault, redactSelector, redactText, redactUrl } from "../src/redact.js";

/** [id, text, [[entity, value], ...]]: each value's first occurrence is the expected span. */
const POSITIVES = [
  ["email", "Mail jane.doe@example.com today", [["EMAIL", "jane.doe@example.com"]]],
  ["email-unicode", "écrire à josé.núñez@correo.es", [["EMAIL", "josé.núñez@correo.es"]]],
  ["card-grouped", "card 4111 1111 1111 1111 ok", [["CARD", "4111 1111 1111 1111"]]],
  ["card-amex-dashes", "amex 3782-822463-10005", [["CARD", "3782-822463-10005"]]],
  ["card-compact", "pan=5555555555554444", [["CARD", "5555555555554444"]]],
  ["iban-grouped", "IBAN DE89 3704 0044 0532 0130 00 EUR", [["IBAN", "DE89 3704 0044 0532 0130 00"]]],
  ["iban-compact", "GB82WEST12345698765432", [["IBAN", "GB82WEST12345698765432"]]],
  ["ipv4", "server 10.1.2.3 down", [["IP", "10.1.2.3"]]],
  ["ipv6", "ip:2001:db8::8a2e:370:7334", [["IP", "2001:db8::8a2e:370:7334"]]],
  ["ssn", "my SSN is 123-45-6780", [["SSN", "123-45-6780"]]],
  ["ssn-bare-cued", "ssn 123456780", [["SSN", "123456780"]]],
  ["nino", "NINO AB 12 34 56 C", [["NINO", "AB 12 34 56 C"]]],
  ["dni", "DNI 12345678Z", [["NATIONAL_ID", "12345678Z"]]],
  ["cpf", "CPF 123.456.789-09", [["NATIONAL_ID", "123.456.789-09"]]],
  ["phone-intl", "call +44 20 7946 0958 now", [["PHONE", "+44 20 7946 0958"]]],
  ["phone-nanp", "call (415) 555-2671", [["PHONE", "(415) 555-2671"]]],
  ["phone-trunk", "Telefon 030 12345678", [["PHONE", "030 12345678"]]],
  ["phone-ext", "(415) 555-2671 ext. 42", [["PHONE", "(415) 555-2671 ext. 42"]]],
  ["phone-parens-dash", "bel (020)-1234567", [["PHONE", "(020)-1234567"]]],
  ["phone-bare-trunk-zero", "customer 0612345678", [["PHONE", "0612345678"]]],
  ["phone-announced-odd-shape", "mobile (00981) 93474", [["PHONE", "(00981) 93474"]]],
  ["phone-reach-cue", "Reach her at 3407343311 or", [["PHONE", "3407343311"]]],
  ["card-issuer-unknown-with-card-word", "from card 3501 1665 6121 8741.", [["CARD", "3501 1665 6121 8741"]]],
  ["card-12-digits-with-card-word", "card 0604 4582 1048", [["CARD", "0604 4582 1048"]]],
  ["card-grouped-after-order", "order 4111 1111 1111 1111", [["CARD", "4111 1111 1111 1111"]]],
  ["ssn-beats-phone-reading", "725-55-4659", [["SSN", "725-55-4659"]]],
  ["ssn-id-label", "DOB 1990-01-02, ID 536225487", [["SSN", "536225487"]]],
  ["cpf-beats-phone-reading", "347.356.116-90", [["NATIONAL_ID", "347.356.116-90"]]],
  ["bsn-alone-in-a-field", "111222333", [["NATIONAL_ID", "111222333"]]],
  ["url-userinfo", "postgres://app:s3cr%21t@db.example.com/prod", [["URL_CREDENTIALS", "app:s3cr%21t"]]],
  ["url-token-param", "https://api.example.com/export?format=csv&access_token=abcDEF123456", [["URL_CREDENTIALS", "abcDEF123456"]]],
  ["github-token", "token ghp_abcdefghijklmnopqrstuvwxyz0123456789", [["SECRET", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"]]],
  ["aws-key-id", "AKIAIOSFODNN7EXAMPLE", [["SECRET", "AKIAIOSFODNN7EXAMPLE"]]],
  ["stripe", "STRIPE_SECRET_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc", [["SECRET", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"]]],
  [
    "jwt",
    "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0In0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    [["JWT", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0In0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"]],
  ],
  ["pem", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow==\n-----END RSA PRIVATE KEY-----", [["PRIVATE_KEY", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow==\n-----END RSA PRIVATE KEY-----"]]],
  ["password-assign", "db.password = 'Hunter22!'", [["PASSWORD", "Hunter22!"]]],
  ["password-json", '{"client_secret": "q8Zr2LmT0vXy5Nw3"}', [["SECRET", "q8Zr2LmT0vXy5Nw3"]]],
  ["password-flag", "deploy --password Tr0ub4dor&3", [["PASSWORD", "Tr0ub4dor&3"]]],
  ["mysql", "mysql -u root -pS3cr3t!!", [["PASSWORD", "S3cr3t!!"]]],
  ["prose-password", "temp password for the shared account is Xyz12345!, change it", [["PASSWORD", "Xyz12345!"]]],
  ["entropy-token", "api key Zk9uQ2x4VmRtT3BxWnJ0Y0Jm here", [["SECRET", "Zk9uQ2x4VmRtT3BxWnJ0Y0Jm"]]],
];

/** [id, text]: nothing here is personal data or a secret. */
const NEGATIVES = [
  ["uuid", "request_id=3f2b9c1e-8d4a-4e2f-9b6a-1c2d3e4f5a6b status=200"],
  ["commit", "commit 9fceb02d0ae598e95dc970b74767f19372d61af8"],
  ["sha256", "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  ["version", "upgrade from v1.2.3.4 to version 4.3.2.1"],
  ["loopback", "listen on 127.0.0.1 and ::1"],
  ["netmask", "mask 255.255.255.0"],
  ["date", "due 2024-03-15 or 15/03/2024"],
  ["price", "total $1,234.56 (tax €12.50)"],
  ["order", "Order #12345678 shipped"],
  ["mention", "ping @alice and icon@2x.png"],
  ["not-luhn", "ref 4111 1111 1111 1112"],
  ["password-placeholder", "password=<your password>"],
  ["password-reset-prose", "the password is reset every month"],
  ["ticket", "See OPS-1234 and JIRA-99"],
  ["order-number-passes-luhn", "Order 6468980275290539 shipped"],
  ["ean-after-invoice", "Invoice 5699406614879 due"],
  ["card-word-one-repeated-digit", "card 0000 0000 0000 0000"],
  ["nir-shaped-invoice-number", "about invoice 184127645108946;"],
  ["br-postcode", "CEP 01310-100"],
  ["short-commit-hash-all-digits", "Merge: 0739669 de036da"],
  ["ssn-after-another-records-id", "Device ID 536225487"],
  ["bsn-in-prose-no-cue", "see 111222333 today"],
  ["empty", ""],
];

for (const [id, text, expected] of POSITIVES) {
  test(`finds ${id}`, () => {
    const spans = findAll(text).map((s) => [s.entity, s.start, s.end]);
    const want = expected.map(([entity, value]) => {
      const start = text.indexOf(value);
      assert.ok(start >= 0, "test value not in text");
      return [entity, start, start + value.length];
    });
    assert.deepEqual(spans, want);
  });
}

for (const [id, text] of NEGATIVES) {
  test(`leaves alone ${id}`, () => {
    assert.deepEqual(findAll(text), []);
  });
}

test("placeholders are numbered per entity, the same value always the same number", () => {
  const vault = new Vault();
  const counts = {};
  const a = redactText("from a@example.com to b@example.com", vault, counts);
  const b = redactText("reply to b@example.com, cc a@example.com", vault, counts);
  assert.equal(a, "from <EMAIL_1> to <EMAIL_2>");
  assert.equal(b, "reply to <EMAIL_2>, cc <EMAIL_1>");
  assert.deepEqual(counts, { EMAIL: 4 });
});

test("the vault keeps digests, never values, and survives a reload", () => {
  const vault = new Vault();
  redactText("mail jane@example.com", vault, {});
  const saved = JSON.stringify(vault);
  assert.ok(!saved.includes("jane"));
  const again = new Vault(JSON.parse(saved));
  assert.equal(redactText("jane@example.com", again, {}), "<EMAIL_1>");
  assert.equal(redactText("joe@example.com", again, {}), "<EMAIL_2>");
});

test("redacting twice changes nothing", () => {
  const vault = new Vault();
  const once = redactText("card 4111 1111 1111 1111, ip 10.1.2.3", vault, {});
  const counts = {};
  assert.equal(redactText(once, vault, counts), once);
  assert.deepEqual(counts, {});
});

test("detector errors propagate (the caller fails closed)", () => {
  const boom = () => {
    throw new Error("boom");
  };
  assert.throws(() => redactText("x@example.com", new Vault(), {}, boom));
});

const URLS = [
  ["metadata keeps the origin", "https://crm.example.com/contacts/42?stage=won#top", "metadata", [], "https://crm.example.com"],
  ["query dropped by default", "https://crm.example.com/contacts?stage=won&q=jane", "redacted", [], "https://crm.example.com/contacts"],
  ["allowed query kept", "https://crm.example.com/deals?stage=won&q=jane", "redacted", ["stage"], "https://crm.example.com/deals?stage=won"],
  ["allowed query redacted", "https://crm.example.com/s?email=jane%40example.com", "redacted", ["email"], "https://crm.example.com/s?email=<EMAIL_1>"],
  ["path segment redacted", "https://crm.example.com/people/jane@example.com/edit", "redacted", [], "https://crm.example.com/people/<EMAIL_1>/edit"],
  ["credentials dropped", "https://jane:pw@crm.example.com/x", "full", [], "https://crm.example.com/x"],
  ["full keeps the path", "https://crm.example.com/people/jane@example.com", "full", [], "https://crm.example.com/people/jane@example.com"],
  ["relative path", "/people/42?tab=notes", "redacted", [], "/people/42"],
];

for (const [id, url, mode, allow, expected] of URLS) {
  test(`url: ${id}`, () => {
    const out = redactUrl(url, { mode, allowedQuery: new Set(allow), vault: new Vault(), counts: {} });
    assert.equal(out, expected);
  });
}

test("selectors: attribute values and ids are redacted, structure kept", () => {
  const vault = new Vault();
  const out = redactSelector('form > input[name="jane@example.com"]', vault, {});
  assert.equal(out, 'form > input[name="<EMAIL_1>"]');
  assert.equal(redactSelector("#user-jane\\@example\\.com > div:nth-of-type(2)", vault, {}), "#<EMAIL_2> > div:nth-of-type(2)");
  assert.equal(redactSelector("#save", vault, {}), "#save");
});
