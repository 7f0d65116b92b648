import { TOPICS, type Topic } from '@onair/protocol';

const LABELS: Record<Topic, string> = {
  just_chatting: 'Just chatting',
  gaming: 'Gaming',
  music: 'Music',
  cooking: 'Cooking',
  fitness: 'Fitness',
  education: 'Education',
  art: 'Art',
  sports: 'Sports',
  travel: 'Travel',
  other: 'Other',
};

/** "just_chatting" → "Just chatting". */
export function topicLabel(topic: Topic): string {
  return LABELS[topic] ?? topic;
}

/** The topics in the order the server lists them, with their labels, for a <select>. */
export const TOPIC_OPTIONS = TOPICS.map((value) => ({ value, label: LABELS[value] }));
