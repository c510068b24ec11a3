// Bluesky's reference PDS (and a PLC directory) on localhost, from @atproto/dev-env, for tests/test_share.py.
// Prints {url} once it serves; then makes an account for each handle read from stdin, printing
// {did, handle, appPassword}; stops both servers when its stdin closes (the test ends, or dies). ATPROTO_DIR: where dev-env is installed.
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(path.join(process.env.ATPROTO_DIR, 'package.json'))
const { TestNetworkNoAppView } = require('@atproto/dev-env')

const net = await TestNetworkNoAppView.create({})
const url = net.pds.url
async function call(name, body, token) {
  const answer = await fetch(`${url}/xrpc/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })
  const data = await answer.json()
  if (!answer.ok) throw new Error(`${name}: ${answer.status} ${JSON.stringify(data)}`)
  return data
}
// each line on stdin is a handle: an account is made for it, with an app password, and said in one line
import readline from 'node:readline'
console.log(JSON.stringify({ url }))
const lines = readline.createInterface({ input: process.stdin })
lines.on('line', async (handle) => {
  try {
    const account = await call('com.atproto.server.createAccount', { handle, email: `${handle}@example.org`, password: 'account-password' })
    const app = await call('com.atproto.server.createAppPassword', { name: 'nb2post' }, account.accessJwt)
    console.log(JSON.stringify({ did: account.did, handle, appPassword: app.password }))
  } catch (error) {
    console.log(JSON.stringify({ error: String(error) }))
  }
})
lines.on('close', async () => {
  await net.close()
  process.exit(0)
})
