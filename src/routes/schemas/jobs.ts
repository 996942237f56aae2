import { Type } from 'typebox'
import { IsoTime, PageFields, PageOf, Text, UserId, Uuid } from './common.js'

export const JobStatus = Type.Union([Type.Literal('open'), Type.Literal('closed')])

const Title = Text({ minLength: 1, maxLength: 200 })
const Description = Text({ minLength: 1, maxLength: 20_000 })
const Location = Type.Union([Text({ maxLength: 200 }), Type.Null()])

export const Job = Type.Object({
  id: Uuid,
  companyId: UserId,
  title: Type.String(),
  description: Type.String(),
  location: Type.Union([Type.String(), Type.Null()]),
  status: JobStatus,
  createdAt: IsoTime,
  updatedAt: IsoTime
})

export const CreateJobBody = Type.Object({
  title: Title,
  description: Description,
  location: Type.Optional(Location)
}, { additionalProperties: false })

export const UpdateJobBody = Type.Object({
  title: Type.Optional(Title),
  description: Type.Optional(Description),
  location: Type.Optional(Location),
  status: Type.Optional(JobStatus)
}, { additionalProperties: false, minProperties: 1 })

export const ListJobsQuery = Type.Object({
  companyId: Type.Optional(UserId),
  status: Type.Optional(JobStatus),
  ...PageFields
}, { additionalProperties: false })

export const JobPage = PageOf(Job)
