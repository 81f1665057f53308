/** Voice webhooks are refused when no auth token is configured, even signed with an empty key. */
import { sign } from '../../bot/channels/voice/signature';
import { startApp } from '../support/server';

it('refuses voice webhooks when no auth token is configured, even signed with an empty key', async () => {
  const app = await startApp({ NODE_ENV: 'production', BOTFRAMEWORK_CHANNEL: 'off', CI_API_URL: 'https://ci.example.test/api' });
  try {
    const params = { CallSid: 'CA1', From: '+15550100001', To: '+15550009999' };
    for (const url of ['http://localhost:3978/api/voice', `${app.url}/api/voice`, '/api/voice']) {
      const res = await fetch(`${app.url}/api/voice`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign('', url, params) },
        body: new URLSearchParams(params).toString(),
      });
      expect(res.status).toBe(403);
    }
  } finally {
    await app.close();
  }
});
