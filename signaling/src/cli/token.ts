import { parseArgs } from 'node:util';
import { v4 as uuidv4 } from 'uuid';
import { ROLES, TokenClaimsSchema, UnitTokenClaimsSchema } from '@yishi/shared';
import { resolveJwtSecret } from '../auth/secret.js';
import { isUnitLedgerClaims, signToken, signUnitToken } from '../auth/tokens.js';
import { ConfigError, loadConfig } from '../config.js';

const USAGE = `usage: npm run --silent token -- --room <roomId> --role <${ROLES.join('|')}> --name <name>
       [--sector <sector>] [--unit <unit name> (role unit only)] [--operator <name> (role site only)]
       [--sub <user id>] [--ttl <e.g. 12h, 7d, 3600>]
       (a site — one device for a village meeting — is named by its place: --role site --name 水口村)
   or: npm run --silent token -- --role unit --unit <unit name> --name <name> [--sub …] [--ttl …]
       (without --room: a handling unit's token for the ledger, which opens no consultation)
Prints only the JWT, signed with JWT_SECRET (or the local secret in DATA_DIR/jwt-secret).`;

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      room: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      sector: { type: 'string' },
      unit: { type: 'string' },
      operator: { type: 'string' },
      sub: { type: 'string' },
      ttl: { type: 'string', default: '24h' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
}

/** `npm run --silent token -- --room r --role member --name 张三`: prints a room token. */
function main(argv: string[]): number {
  let values: ReturnType<typeof parseOptions>['values'];
  try {
    ({ values } = parseOptions(argv));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const sub = values.sub ?? uuidv4();
  const ledger = values.role === 'unit' && values.room === undefined;
  const claims = ledger
    ? UnitTokenClaimsSchema.safeParse({ sub, name: values.name, role: 'unit', unit: values.unit })
    : TokenClaimsSchema.safeParse({
        sub,
        name: values.name,
        room: values.room,
        role: values.role,
        sector: values.sector,
        unit: values.unit,
        operator: values.operator,
      });
  if (!claims.success) {
    const problems = claims.error.issues.map((i) => `  --${i.path.join('.')}: ${i.message}`).join('\n');
    process.stderr.write(`invalid token options:\n${problems}\n${USAGE}\n`);
    return 2;
  }
  const ttl = /^\d+$/.test(values.ttl) ? Number(values.ttl) : values.ttl;
  try {
    const config = loadConfig();
    const settings = {
      secret: resolveJwtSecret(config.jwt.secret, config.dataDir),
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
    };
    const token = isUnitLedgerClaims(claims.data)
      ? signUnitToken(settings, claims.data, ttl)
      : signToken(settings, claims.data, ttl);
    process.stdout.write(`${token}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
