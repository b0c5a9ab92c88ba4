import { createHissuno, paginate } from "@hissuno/sdk";

const hissuno = createHissuno(); // reads HISSUNO_API_KEY and HISSUNO_BASE_URL
for await (const session of paginate((page) => hissuno.GET("/v1/sessions", { params: { query: page } })))
  console.log(session.id, session.status);
