// Reference Twilio AccessToken minted by the npm `twilio` package (tests/node_modules), with the clock
// fixed, for the byte-for-byte comparison in tests/integration/TokenCompatTest.cpp.
//
// Usage: node twilio-token.mjs <accountSid> <apiKeySid> <apiKeySecret> <identity> <room> <ttlSeconds> \
//                              <iatUnixSeconds>
// Prints the JWT (one line) on stdout; exits non-zero with a message on stderr on bad usage.
// `twilio` resolves from this file's location, so tests/node_modules is found whatever the cwd.
import twilio from 'twilio';

const args = process.argv.slice(2);
if (args.length !== 7) {
  process.stderr.write(
      'usage: twilio-token.mjs <accountSid> <apiKeySid> <apiKeySecret> <identity> <room> <ttlSeconds> <iatUnixSeconds>\n');
  process.exit(2);
}
const [accountSid, apiKeySid, apiKeySecret, identity, room, ttlText, iatText] = args;
const ttl = Number(ttlText);
const iat = Number(iatText);
if (!Number.isInteger(ttl) || !Number.isInteger(iat)) {
  process.stderr.write('twilio-token.mjs: ttlSeconds and iatUnixSeconds must be integers\n');
  process.exit(2);
}

// Both AccessToken.toJwt and jsonwebtoken.sign read the time as Math.floor(Date.now() / 1000).
Date.now = () => iat * 1000;

const {AccessToken} = twilio.jwt;
const token = new AccessToken(accountSid, apiKeySid, apiKeySecret, {identity, ttl});
token.addGrant(new AccessToken.VideoGrant({room}));
process.stdout.write(token.toJwt() + '\n');
