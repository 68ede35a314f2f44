// zod 4 gives each schema its methods when the schema is built, so `.openapi()` exists only
// on schemas built after @hono/zod-openapi has extended zod. The API modules call it on
// schemas the domain modules build (newContractSchema, instantSchema, ...): load the
// extension before any test module does.
import '@hono/zod-openapi';
