import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify'
import type { TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
import { Value } from 'typebox/value'

/*
 * Request validation with TypeBox's own checker. Bodies are JSON, so they are
 * checked as sent: a number where a string belongs is a 400, never coerced.
 * Query strings and path parameters arrive as text, so they are converted to
 * the schema's types and given its defaults before the check.
 */
export const typeBoxValidator: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const checker = Compile(schema)

  return (input: unknown) => {
    const value = httpPart === 'body'
      ? input
      : Value.Convert(schema, Value.Default(schema, input))
    if (checker.Check(value)) return { value }
    return { error: checker.Errors(value) as never }
  }
}

/** The route plugin's instance with TypeBox types and validation. */
export function withTypeBox (app: FastifyInstance) {
  app.setValidatorCompiler(typeBoxValidator)
  return app.withTypeProvider<TypeBoxTypeProvider>()
}
