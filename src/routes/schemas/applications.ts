import { Type } from 'typebox'
import { IsoTime, PageFields, PageOf, UserId, Uuid } from './common.js'

export const ApplicationStatus = Type.Union([
  Type.Literal('applied'),
  Type.Literal('reviewing'),
  Type.Literal('interview'),
  Type.Literal('rejected'),
  Type.Literal('hired')
])

export const Application = Type.Object({
  id: Uuid,
  jobId: Uuid,
  candidateId: UserId,
  status: ApplicationStatus,
  createdAt: IsoTime,
  updatedAt: IsoTime
})

export const Candidate = Type.Object({
  ...Application.properties,
  jobTitle: Type.String(),
  candidateName: Type.Union([Type.String(), Type.Null()])
})

export const CandidatesQuery = Type.Object({
  jobId: Type.Optional(Uuid),
  status: Type.Optional(ApplicationStatus),
  ...PageFields
}, { additionalProperties: false })

export const UpdateApplicationBody = Type.Object({
  status: ApplicationStatus
}, { additionalProperties: false })

export const CandidatePage = PageOf(Candidate)
