import { Type } from 'typebox'

const Count = Type.Integer({ minimum: 0 })

export const Dashboard = Type.Object({
  openJobs: Count,
  applicationsByStatus: Type.Object({
    applied: Count,
    reviewing: Count,
    interview: Count,
    rejected: Count,
    hired: Count
  }),
  activeConversations: Type.Integer({
    minimum: 0, description: 'With a message in the last 30 days'
  }),
  unreadMessages: Type.Integer({
    minimum: 0, description: 'Candidates\' messages above my read marks'
  })
})

const UtcDate = Type.String({ format: 'date', description: 'UTC date, YYYY-MM-DD' })

export const AnalyticsQuery = Type.Object({
  from: Type.Optional(UtcDate),
  to: Type.Optional(UtcDate)
}, {
  additionalProperties: false,
  description: 'Inclusive; the last 30 days by default, at most 366'
})

export const Analytics = Type.Object({
  days: Type.Array(Type.Object({
    date: UtcDate,
    messages: Count,
    applications: Count
  }), { description: 'Every day of the range, oldest first' }),
  medianFirstReplyMs: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description: 'Median delay from a candidate\'s first message to the company\'s first reply ' +
      'after it, over conversations whose first candidate message is in the range'
  })
})
